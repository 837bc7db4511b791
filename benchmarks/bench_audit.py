"""Audit benchmark: the full audit at several register sizes, against a single-scan floor and pandas.

Run by hand (not a test)::

    .venv/bin/python benchmarks/bench_audit.py --sizes 100000 1000000 10000000

For each size it generates the sample register as Parquet into ``benchmarks/data/audit-<n>/``
(once; gitignored) and measures, each in a fresh interpreter:

- ``audit``: regaudit's whole audit (declaration, load, every check, findings written to disk);
- ``load``: the declaration and the load alone (every export typed, reconciled and hashed; no check);
- ``floor``: one DuckDB scan of every column of every input file (the least any audit must do);
- ``heavy``: regaudit on the three heaviest checks alone (consent as-of send time, retention,
  residual data after erasure), load included;
- ``pandas``: a straightforward pandas implementation of the same three checks, load included;
- ``spark`` (only if asked with ``--steps``): the whole audit with ``engine="spark"`` on ``local[2]``; its
  CPU and peak memory add the JVM's (Spark's driver, a child process, sampled: jvm.py);
- ``report`` (only if asked with ``--steps``): the whole report without PDF (``run_report(...,
  pdf=False)``); its "findings" column is the size of report.html in bytes.

With ``--format csv`` the register is converted once to CSV (``benchmarks/data/audit-<n>-csv/``), so
that the load's ratio to the floor (then a ``read_csv`` of every column) is measured for CSV too; the
pandas baseline reads Parquet only.

A step that fails (out of memory, for instance) is reported as FAILED with the memory it reached.

It prints wall and CPU seconds (CPU of the child process, DuckDB's threads included: the steadier
figure on a shared machine), peak RSS and rows per second for each, the ratios audit/floor,
load/floor and pandas/heavy, and the exponent of cost growth between consecutive sizes. With
``--repeat N`` every step runs N times, interleaved (floor, audit, load, ... then again in reverse
order), and the medians are compared. ``--per-check SIZE`` prints the audit's seconds per check at
that size, sorted. With ``--baseline-tree`` the audit and heavy steps of both trees are compared check by
check (status, population, failures and every finding's record and subject, in order; and apart, the
findings' words): a difference in conclusions is printed and the script exits 1.
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
# Spark's driver heap for the spark step (local mode: driver and executors are one JVM).
SPARK_DRIVER_MEMORY = "10g"
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


def csv_dir(subjects: int) -> Path:
    """The same register with every export as CSV (``--format csv``), converted once from its Parquet form.

    Times are written as ISO text with their offset where the Parquet column has a zone, as a system
    writing CSV does; the mapping is the Parquet one with every file renamed.
    """
    import duckdb

    source = sample_dir(subjects)
    folder = HERE / "data" / f"audit-{subjects}-csv"
    if (folder / "exports.yaml").exists():
        return folder
    (folder / "exports").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for path in sorted((source / "exports").glob("*.parquet")):
        target = folder / "exports" / (path.stem + ".csv")
        con.execute(f"COPY (SELECT * FROM read_parquet('{path}')) TO '{target}' (HEADER, DELIMITER ',')")
    mapping = (source / "exports.yaml").read_text(encoding="utf-8").replace(".parquet\n", ".csv\n")
    for name in ("register.yaml", "expected_findings.csv"):
        (folder / name).write_bytes((source / name).read_bytes())
    (folder / "exports.yaml").write_text(mapping, encoding="utf-8")
    return folder


def input_files(folder: Path) -> list[Path]:
    """The register's input files (Parquet or CSV)."""
    return sorted(p for p in (folder / "exports").iterdir() if p.suffix in (".parquet", ".csv"))


def _reader(path: Path) -> str:
    return "read_parquet" if path.suffix == ".parquet" else "read_csv"


def total_rows(folder: Path) -> int:
    """Rows in every input file of the register."""
    import duckdb

    con = duckdb.connect()
    return sum(con.execute(f"SELECT count(*) FROM {_reader(p)}(?)", [str(p)]).fetchone()[0]
               for p in input_files(folder))


def outcome_digests(result) -> dict[str, dict[str, str]]:
    """Per check, two SHA-256 digests: ``found``, of what it concluded (status, population, failures,
    and each finding's record and subject, in order), and ``worded``, of its findings' every column but
    the run's id. Two trees that agree on a check give the same digests."""
    import hashlib

    findings = result.findings.drop(columns=["run_id"])
    digests = {}
    for row in result.check_results.itertuples(index=False):
        own = findings[findings["check_id"] == row.check_id]
        head = f"{row.status}|{row.population}|{row.failures}\n"
        found = head + own[["record_ref", "subject_ref"]].to_csv(index=False)
        digests[str(row.check_id)] = {"found": hashlib.sha256(found.encode("utf-8")).hexdigest(),
                                      "worded": hashlib.sha256((head + own.to_csv(index=False)).encode()).hexdigest()}
    return digests


def compare_outcomes(size: int, after: list[dict], before: list[dict]) -> list[str]:
    """The checks whose conclusions differ between the two trees' audits (or within one tree's runs),
    printed with those that concluded alike in other words; the first are returned."""
    digests = [r.get("digests", {}) for r in after + before]
    names = sorted(set().union(*digests))

    def differ(kind: str) -> list[str]:
        return [name for name in names if len({(d.get(name) or {}).get(kind) for d in digests}) > 1]
    found = differ("found")
    worded = [name for name in differ("worded") if name not in found]
    if found:
        print(f"{size:>10,} conclusions DIFFER before and after for {len(found)} check(s): {', '.join(found)}")
    else:
        print(f"{size:>10,} conclusions identical before and after: {len(names)} checks (status, population, "
              "failures, every finding's record and subject, in order)")
    if worded:
        print(f"{size:>10,} the same conclusions worded differently (message, evidence or legal references) by "
              f"{len(worded)} check(s): {', '.join(worded)}")
    return found


def run_step(step: str, folder: Path, memory_limit: str) -> dict:
    """One measurement in this process (called in a fresh interpreter)."""
    import resource

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    checks_seconds: dict[str, float] = {}
    digests: dict[str, dict[str, str]] = {}
    started, cpu_started = time.perf_counter(), cpu()
    if step == "floor":
        import duckdb

        con = duckdb.connect()
        for path in input_files(folder):
            reader = _reader(path)
            columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}(?)", [str(path)]).fetchall()]
            # A hash of every column of every row forces every value to be read and decoded once.
            # (min() per column does not: DuckDB answers it from the Parquet statistics.)
            hashed = ", ".join(f'"{c}"' for c in columns)
            con.execute(f"SELECT count(*), bit_xor(hash({hashed})) FROM {reader}(?)", [str(path)]).fetchall()
        findings = None
    elif step in ("audit", "heavy", "load"):
        from audit_lib.audit import run_audit
        from audit_lib.checks.registry import catalogue

        checks = {"audit": None, "load": (),
                  "heavy": tuple(c for c in catalogue() if c.id in HEAVY_CHECKS)}[step]
        result = run_audit(None, folder / "exports.yaml", PERIOD, pseudonym_key=BENCHMARK_KEY, checks=checks,
                           memory_limit=memory_limit)
        with tempfile.TemporaryDirectory() as out:
            result.write_tables(out)
        findings = len(result.findings)
        checks_seconds = {str(k): float(v) for k, v in zip(result.check_results["check_id"],
                                                           result.check_results["duration_s"])}
        digests = outcome_digests(result)
    elif step == "spark":
        import os

        from audit_lib.audit import run_audit
        from jvm import JvmMeter

        # The JVM is Spark's driver and executors (local[2]): a child process, measured apart.
        os.environ.setdefault("PYSPARK_SUBMIT_ARGS", f"--driver-memory {SPARK_DRIVER_MEMORY} pyspark-shell")
        with JvmMeter() as jvm:
            result = run_audit(None, folder / "exports.yaml", PERIOD, pseudonym_key=BENCHMARK_KEY,
                               memory_limit=memory_limit, engine="spark")
            with tempfile.TemporaryDirectory() as out:
                result.write_tables(out)
        findings = len(result.findings)
        checks_seconds = {str(k): float(v) for k, v in zip(result.check_results["check_id"],
                                                           result.check_results["duration_s"])}
        return {"seconds": time.perf_counter() - started, "cpu_seconds": cpu() - cpu_started + jvm.cpu_seconds,
                "peak_rss_mb": peak_rss_mb() + jvm.peak_rss_mb, "findings": findings, "checks": checks_seconds}
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
    return {"seconds": time.perf_counter() - started, "cpu_seconds": cpu() - cpu_started,
            "peak_rss_mb": peak_rss_mb(), "findings": findings, "checks": checks_seconds, "digests": digests}


def _median(results: list[dict], key: str) -> float:
    import statistics

    return statistics.median(r[key] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory limit for the audit")
    parser.add_argument("--pandas-cap-mb", type=int, default=None,
                        help="address-space limit for the pandas step (a MemoryError is then its result)")
    parser.add_argument("--steps", nargs="+", default=["floor", "audit", "load", "heavy", "pandas"])
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet",
                        help="the register's exports as Parquet (as generated) or as CSV (converted from it)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of every step, interleaved; medians compared")
    parser.add_argument("--per-check", type=int, default=None, metavar="SIZE",
                        help="print the audit's seconds per check at this size, sorted")
    parser.add_argument("--baseline-tree", type=Path, default=None,
                        help="a checkout of an earlier commit (git worktree add PATH COMMIT): its audit, load and "
                             "heavy steps run too, interleaved with these, for figures before and after")
    parser.add_argument("--child", nargs=3, metavar=("STEP", "FOLDER", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        import json

        import audit_lib

        outcome = run_step(args.child[0], Path(args.child[1]), args.child[2])
        outcome["audit_lib"] = str(Path(audit_lib.__file__).parent)  # which code ran: this tree's
        print(json.dumps(outcome))
        return
    scripts = {"": __file__}
    if args.baseline_tree is not None:
        baseline = args.baseline_tree.resolve() / "benchmarks" / "bench_audit.py"
        # The earlier tree runs this script (its steps as they are now) over its own audit_lib.
        baseline.parent.mkdir(parents=True, exist_ok=True)
        for name in ("bench_audit.py", "measure.py", "pandas_baseline.py"):
            (baseline.parent / name).write_text((HERE / name).read_text(encoding="utf-8"), encoding="utf-8")
        data = baseline.parent / "data"
        if not data.exists():
            data.symlink_to(HERE / "data", target_is_directory=True)
        scripts["@before"] = str(baseline)
    print(f"{'subjects':>10} {'rows':>12} {'step':13} {'run':>3} {'wall s':>8} {'CPU s':>8} {'rows/s':>12} "
          f"{'peak RSS MiB':>13} {'findings':>9}")
    previous: dict[str, tuple[int, float, float]] = {}
    differing: list[str] = []
    for size in args.sizes:
        folder = sample_dir(size) if args.format == "parquet" else csv_dir(size)
        rows = total_rows(folder)
        plan = [(step, tag) for step in args.steps for tag in scripts
                if tag == "" or step in ("audit", "load", "heavy")]
        runs: dict[str, list[dict]] = {step + tag: [] for step, tag in plan}
        for run in range(args.repeat):
            # Interleaved, the order reversed every other round: drift on the machine hits every step.
            for step, tag in (plan if run % 2 == 0 else list(reversed(plan))):
                cap = args.pandas_cap_mb if step == "pandas" else None
                result = in_child(scripts[tag], step, str(folder), args.memory_limit, memory_cap_mb=cap)
                step = step + tag
                result.setdefault("cpu_seconds", float("nan"))
                note = f"FAILED: {result['failed']}" if "failed" in result else \
                    (result["findings"] if result["findings"] is not None else "")
                print(f"{size:>10,} {rows:>12,} {step:13} {run + 1:>3} {result['seconds']:>8.1f} "
                      f"{result['cpu_seconds']:>8.1f} {rows / result['seconds']:>12,.0f} "
                      f"{result['peak_rss_mb']:>13,.0f} {note!s:>9}", flush=True)
                if "failed" not in result:
                    runs[step].append(result)
        figures = {step: {"seconds": _median(r, "seconds"), "cpu": _median(r, "cpu_seconds"),
                          "rss": max(x["peak_rss_mb"] for x in r), "runs": r}
                   for step, r in runs.items() if r}
        print(f"{size:>10,} medians: " + "; ".join(
            f"{step} {f['seconds']:.1f} s wall, {f['cpu']:.1f} s CPU, {f['rss']:,.0f} MiB" for step, f in figures.items()))
        for numerator, denominator, label in (("audit", "floor", "audit/floor"), ("load", "floor", "load/floor"),
                                              ("pandas", "heavy", "pandas/regaudit on the heavy checks"),
                                              ("spark", "audit", "audit on Spark local[2] / on DuckDB"),
                                              ("audit@before", "floor", "audit/floor before"),
                                              ("audit@before", "audit", "audit before/after"),
                                              ("load@before", "load", "load before/after"),
                                              ("heavy@before", "heavy", "heavy before/after")):
            if numerator in figures and denominator in figures:
                a, b = figures[numerator], figures[denominator]
                print(f"{size:>10,} ratio {label}: {a['seconds'] / b['seconds']:.2f}x wall, "
                      f"{a['cpu'] / b['cpu']:.2f}x CPU")
        for step in ("audit", "heavy"):
            if step in figures and step + "@before" in figures:
                differing += compare_outcomes(size, figures[step]["runs"], figures[step + "@before"]["runs"])
        if "audit" in figures:
            if "audit" in previous:
                last_rows, last_wall, last_cpu = previous["audit"]
                growth = math.log(rows / last_rows)
                print(f"{size:>10,} cost exponent since the previous size: "
                      f"{math.log(figures['audit']['seconds'] / last_wall) / growth:.2f} wall, "
                      f"{math.log(figures['audit']['cpu'] / last_cpu) / growth:.2f} CPU (1.0 = linear)")
            previous["audit"] = (rows, figures["audit"]["seconds"], figures["audit"]["cpu"])
            if args.per_check == size:
                import statistics

                per_check: dict[str, list[float]] = {}
                for r in figures["audit"]["runs"]:
                    for check_id, seconds in r["checks"].items():
                        per_check.setdefault(check_id, []).append(seconds)
                print(f"{size:>10,} seconds per check (median of the audit runs), slowest first:")
                for check_id, values in sorted(per_check.items(), key=lambda kv: -statistics.median(kv[1])):
                    print(f"{'':>10} {statistics.median(values):>8.2f}  {check_id}")
    if differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
