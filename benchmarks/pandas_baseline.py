"""A straightforward pandas implementation of the three heaviest checks, as the benchmark's baseline.

Written the way an analyst would without regaudit: read the Parquet exports with pandas, join and
compare in memory. Same semantics as regaudit's checks (consent state at send time with
withdrawals winning ties, declared retention rules with end-of-year anchoring, data of erased
subjects left in other tables).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from audit_lib.durations import parse_duration

ZONE = "Europe/Helsinki"


def _local(series: pd.Series) -> pd.Series:
    series = pd.to_datetime(series)
    if series.dt.tz is None:
        return series.dt.tz_localize(ZONE, ambiguous="NaT", nonexistent="shift_forward")
    return series.dt.tz_convert(ZONE)


def _mapping(exports_dir: Path) -> dict[str, tuple[Path, dict[str, str]]]:
    """role -> (file, canonical field -> column) from exports.yaml."""
    document = yaml.safe_load((exports_dir.parent / "exports.yaml").read_text(encoding="utf-8"))
    return {e["role"]: (exports_dir / e["file"], {s["field"]: c for c, s in e["columns"].items() if s.get("field")})
            for e in document["exports"]}


def _read(mapping, role: str, fields: list[str]) -> pd.DataFrame:
    path, columns = mapping[role]
    frame = pd.read_parquet(path, columns=[columns[f] for f in fields])
    return frame.rename(columns={columns[f]: f for f in fields})


def consent_findings(mapping, start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Messages by e-mail or SMS with no consent before them, or whose latest consent event is a withdrawal."""
    messages = _read(mapping, "marketing_messages", ["message_id", "subject_id", "channel", "sent_at"])
    messages["sent_at"] = _local(messages["sent_at"])
    messages = messages[messages["channel"].isin(["email", "sms"]) & (messages["sent_at"] >= start)
                        & (messages["sent_at"] < end)]
    events = _read(mapping, "consent_events", ["subject_id", "channel", "action", "at"])
    events["at"] = _local(events["at"])
    events["withdrawn"] = events["action"] == "withdrawn"
    state = events.groupby(["subject_id", "channel", "at"], as_index=False)["withdrawn"].any()
    joined = pd.merge_asof(messages.sort_values("sent_at"), state.sort_values("at"), left_on="sent_at",
                           right_on="at", by=["subject_id", "channel"], direction="backward")
    return int(joined["at"].isna().sum() + joined["withdrawn"].fillna(False).astype(bool).sum())


def retention_findings(mapping, rules: list[dict], as_of: pd.Timestamp) -> int:
    """Records past each declared retention rule."""
    count = 0
    for rule in rules:
        if rule["role"] not in mapping:
            continue
        starts = [rule["start"]] if isinstance(rule["start"], str) else rule["start"]
        _, columns = mapping[rule["role"]]
        starts = [s for s in starts if s in columns]
        if not starts:
            continue
        frame = _read(mapping, rule["role"], starts)
        start = _local(frame[starts[0]])
        for other in starts[1:]:
            start = start.fillna(_local(frame[other]))
        if rule.get("anchor") == "end_of_year":
            start = pd.to_datetime((start.dt.year + 1).astype("Int64").astype(str) + "-01-01").dt.tz_localize(ZONE)
        duration = parse_duration(rule["duration"])
        due = start + pd.DateOffset(months=duration.months, days=duration.days)
        count += int((due < as_of).sum())
    return count


def residue_findings(mapping, kept: dict[str, list[str]], as_of: pd.Timestamp) -> int:
    """Rows of subjects whose erasure was completed, left in any table but requests."""
    requests = _read(mapping, "requests", ["subject_id", "kind", "completed_at"])
    requests["completed_at"] = _local(requests["completed_at"])
    erased = set(requests.loc[(requests["kind"] == "erasure") & (requests["completed_at"] < as_of), "subject_id"])
    count = 0
    for role, (path, columns) in mapping.items():
        if role == "requests" or "subject_id" not in columns:
            continue
        frame = pd.read_parquet(path)
        rows = frame[frame[columns["subject_id"]].isin(erased)]
        if role in kept:
            kept_columns = {columns[f] for f in kept[role] if f in columns} | {columns["subject_id"]}
            rest = [c for c in frame.columns if c not in kept_columns]
            rows = rows[rows[rest].notna().any(axis=1)] if rest else rows.iloc[0:0]
        count += len(rows)
    return count


def heavy_checks(exports_dir: Path, period: str) -> int:
    """Run the three checks on the Parquet register in ``exports_dir``; return the findings count."""
    year, quarter = period.split("-Q")
    start = pd.Timestamp(year=int(year), month=3 * int(quarter) - 2, day=1, tz=ZONE)
    end = start + pd.DateOffset(months=3)
    mapping = _mapping(Path(exports_dir))
    register = yaml.safe_load((Path(exports_dir).parent / "register.yaml").read_text(encoding="utf-8"))
    return (consent_findings(mapping, start, end)
            + retention_findings(mapping, register["retention"]["rules"], end)
            + residue_findings(mapping, register["rights"]["erasure"].get("kept_after_erasure", {}), end))
