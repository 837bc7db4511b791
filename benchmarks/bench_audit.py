"""Audit benchmark: the full audit at several register sizes, against a single-scan floor and pandas.

Run by hand (not a test)::

    .venv/bin/python benchmarks/bench_audit.py --sizes 100000 1000000 10000000

For each size it generates the sample register as Parquet into ``benchmarks/data/audit-<n>/``
(once; gitignored) and measures, each in a fresh interpreter:

- ``audit``: regaudit's whole audit (declaration, load, every check, findings written to disk);
- ``floor``: one DuckDB scan of every column of every input file (the least any audit must do);
- ``heavy``: regaudit on the three heaviest checks alone (consent as-of send time, retention,
  residual data after erasure), load included;
- ``pandas``: a straightforward pandas implementation of the same three checks, load included;
- ``report`` (only if asked with ``--steps``): the whole report without PDF (``run_report(...,
  pdf=False)``); its "findings" column is the size of report.html in bytes.

A step that fails (out of memory, for instance) is reported as FAILED with the memory it reached.

It prints wall seconds, peak RSS and rows per second for each, the ratios audit/floor and
pandas/heavy, and the exponent of cost growth between consecutive sizes.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from measure import in_child, peak_rss_mb  # noqa: E402

PERIOD = "2026-Q3"
# 64 hex digits: the pseudonym key must carry 256 bits (audit_lib/pseudonym.py).
BENCHMARK_KEY = b"be5c4a4ed17b0a7d" * 4
HEAVY_CHECKS = ("consent_email_sms_without_optin", "consent_sent_after_withdrawal", "retention_period_exceeded",
                "retention_erased_subject_residue")


def sample_dir(subjects: int) -> Path:
    """The Parquet register of ``subjects`` consumers, generated on first use."""
    from audit_lib.sample import generate

    folder = HERE / "data" / f"audit-{subjects}"
    if not (folder / "expected_findings.csv").exists():
        started = time.perf_counter()
        generate(folder, seed=42, subjects=subjects, fmt="parquet")
        print(f"generated {subjects:,} subjects in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def total_rows(folder: Path) -> int:
    """Rows in every input file of the register."""
    import duckdb

    con = duckdb.connect()
    return sum(con.execute("SELECT count(*) FROM read_parquet(?)", [str(p)]).fetchone()[0]
               for p in sorted((folder / "exports").glob("*.parquet")))


def run_step(step: str, folder: Path, memory_limit: str) -> dict:
    """One measurement in this process (called in a fresh interpreter)."""
    started = time.perf_counter()
    if step == "floor":
        import duckdb

        con = duckdb.connect()
        for path in sorted((folder / "exports").glob("*.parquet")):
            columns = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]
            # A hash of every column of every row forces every value to be read and decoded once.
            # (min() per column does not: DuckDB answers it from the Parquet statistics.)
            hashed = ", ".join(f'"{c}"' for c in columns)
            con.execute(f"SELECT count(*), bit_xor(hash({hashed})) FROM read_parquet(?)", [str(path)]).fetchall()
        findings = None
    elif step in ("audit", "heavy"):
        from audit_lib.audit import run_audit
        from audit_lib.checks.registry import catalogue

        checks = None if step == "audit" else tuple(c for c in catalogue() if c.id in HEAVY_CHECKS)
        result = run_audit(None, folder / "exports.yaml", PERIOD, pseudonym_key=BENCHMARK_KEY, checks=checks,
                           memory_limit=memory_limit)
        with tempfile.TemporaryDirectory() as out:
            result.write_tables(out)
        findings = len(result.findings)
    elif step == "report":
        from audit_lib.report.pipeline import run_report

        with tempfile.TemporaryDirectory() as out:
            key = Path(out) / "benchmark.key"
            key.write_text(BENCHMARK_KEY.decode() + "\n", encoding="utf-8")
            report = run_report(None, folder / "exports.yaml", PERIOD, Path(out) / "reports", pseudonym_key_file=key,
                                pdf=False)
            findings = (report / "report.html").stat().st_size  # bytes of report.html, for this step
    else:
        from pandas_baseline import heavy_checks

        findings = heavy_checks(folder / "exports", PERIOD)
    return {"seconds": time.perf_counter() - started, "peak_rss_mb": peak_rss_mb(), "findings": findings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit for the audit")
    parser.add_argument("--pandas-cap-mb", type=int, default=None,
                        help="address-space limit for the pandas step (a MemoryError is then its result)")
    parser.add_argument("--steps", nargs="+", default=["floor", "audit", "heavy", "pandas"])
    parser.add_argument("--child", nargs=3, metavar=("STEP", "FOLDER", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import json

        print(json.dumps(run_step(args.child[0], Path(args.child[1]), args.child[2])))
        return
    print(f"{'subjects':>10} {'rows':>12} {'step':7} {'seconds':>8} {'rows/s':>12} {'peak RSS MiB':>13} {'findings':>9}")
    previous: dict[str, tuple[int, float]] = {}
    for size in args.sizes:
        folder = sample_dir(size)
        rows = total_rows(folder)
        figures = {}
        for step in args.steps:
            cap = args.pandas_cap_mb if step == "pandas" else None
            figures[step] = result = in_child(__file__, step, str(folder), args.memory_limit, memory_cap_mb=cap)
            note = f"FAILED: {result['failed']}" if "failed" in result else \
                (result["findings"] if result["findings"] is not None else "")
            print(f"{size:>10,} {rows:>12,} {step:7} {result['seconds']:>8.1f} {rows / result['seconds']:>12,.0f} "
                  f"{result['peak_rss_mb']:>13,.0f} {note!s:>9}", flush=True)
        figures = {k: v for k, v in figures.items() if "failed" not in v}
        if "audit" in figures and "floor" in figures:
            print(f"{size:>10,} ratio audit/floor: {figures['audit']['seconds'] / figures['floor']['seconds']:.2f}x")
        if "pandas" in figures and "heavy" in figures:
            print(f"{size:>10,} ratio pandas/regaudit on the heavy checks: "
                  f"{figures['pandas']['seconds'] / figures['heavy']['seconds']:.2f}x")
        if "audit" in figures:
            if "audit" in previous:
                last_rows, last_seconds = previous["audit"]
                exponent = math.log(figures["audit"]["seconds"] / last_seconds) / math.log(rows / last_rows)
                print(f"{size:>10,} cost exponent since the previous size: {exponent:.2f} (1.0 = linear)")
            previous["audit"] = (rows, figures["audit"]["seconds"])


if __name__ == "__main__":
    main()
