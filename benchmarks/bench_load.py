"""Load benchmark: regaudit's loader against a plain DuckDB read of the same 10M-row export.

Run by hand (not a test), after ``make test`` or ``make demo`` has made the environment::

    .venv/bin/python benchmarks/bench_load.py [--rows 10000000] [--threads N] [--repeat 3] [--shuffled]

Generates ``benchmarks/data/marketing_messages_<rows>.csv`` and ``.parquet`` (gitignored; with
``--shuffled`` the same rows in random order) with DuckDB, then measures, each in a fresh
subprocess with the modules imported before the clock starts: wall seconds, rows/s and peak RSS
(VmHWM) of (a) ``load_exports`` with a marketing_messages mapping and key and (b) ``CREATE TABLE
AS SELECT * FROM read_csv/read_parquet``, and prints the ratio regaudit/plain.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ROOT = HERE.parent

COLUMNS = {"message_id": "message_id", "customer_id": "subject_id", "channel": "channel", "sent_at": "sent_at",
           "campaign": "campaign", "has_opt_out": "has_opt_out"}


def generate(rows: int, shuffled: bool = False) -> dict[str, Path]:
    """Write the CSV and Parquet exports (once per row count and order).

    In key order by default, as exports from a database usually are; ``shuffled`` writes the same
    rows in random order, where proving the keys unique takes grouping every key.
    """
    import duckdb

    DATA.mkdir(exist_ok=True)
    stem = f"marketing_messages_{rows}" + ("_shuffled" if shuffled else "")
    paths = {"csv": DATA / f"{stem}.csv", "parquet": DATA / f"{stem}.parquet"}
    if all(p.exists() for p in paths.values()):
        return paths
    con = duckdb.connect()
    query = f"""SELECT 'M' || lpad(i::VARCHAR, 9, '0') AS message_id,
        'C' || lpad((hash(i) % 500000)::VARCHAR, 7, '0') AS customer_id,
        (['email', 'sms', 'post'])[1 + (i % 3)::INT] AS channel,
        strftime(TIMESTAMP '2026-01-01' + INTERVAL (i % 31536000) SECOND, '%Y-%m-%d %H:%M:%S') AS sent_at,
        'campaign-' || (i % 240)::VARCHAR AS campaign,
        CASE WHEN i % 7 = 0 THEN 'false' ELSE 'true' END AS has_opt_out
        FROM range({rows}) t(i){" ORDER BY hash(i + 1)" if shuffled else ""}"""
    con.execute(f"COPY ({query}) TO '{paths['csv']}' (HEADER)")
    con.execute(f"COPY (SELECT * FROM read_csv('{paths['csv']}')) TO '{paths['parquet']}' (FORMAT parquet)")
    return paths


def peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, path: Path, threads: int | None) -> dict[str, float]:
    """One measurement, in this (fresh) process."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    # Modules are imported before the clock starts, for both: the figures are of loading, not of
    # Python's start-up.
    import duckdb  # noqa: F401
    import pyarrow.compute  # noqa: F401  (imported by the loader when it first checks key order)
    from loaderkit import load

    from audit_lib.loader import connect

    start = time.perf_counter()
    if kind == "plain":
        con = connect(threads=threads)
        reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
        con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}(?)", [str(path)])
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    else:
        con, report = load(path.parent, [{"file": path.name, "role": "marketing_messages", "key": "message_id",
                                         "columns": {c: {"field": f} for c, f in COLUMNS.items()}}],
                           threads=threads)
        row = report.inputs[0]
        assert row["status"] == "loaded", row
        rows = row["rows_loaded"]
    seconds = time.perf_counter() - start
    return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "peak_rss_mb": peak_rss_mb()}


def measure(kind: str, path: Path, threads: int | None) -> dict[str, float]:
    """Run ``child`` in a fresh interpreter and return its figures."""
    command = [sys.executable, __file__, "--child", kind, str(path)] + (["--threads", str(threads)] if threads else [])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement; the best is kept")
    parser.add_argument("--shuffled", action="store_true", help="rows in random order instead of key order")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), args.threads)))
        return
    paths = generate(args.rows, args.shuffled)
    print(f"rows in {'random' if args.shuffled else 'key'} order")
    print(f"{'format':8} {'loader':9} {'rows':>10} {'seconds':>8} {'rows/s':>12} {'peak RSS MiB':>13}")
    for fmt, path in paths.items():
        figures = {}
        for kind in ("plain", "regaudit"):
            runs = [measure(kind, path, args.threads) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            figures[kind] = best
            print(f"{fmt:8} {kind:9} {best['rows']:>10} {best['seconds']:>8.2f} {best['rows_per_s']:>12,.0f} "
                  f"{best['peak_rss_mb']:>13,.0f}", flush=True)
        ratio = figures["regaudit"]["seconds"] / figures["plain"]["seconds"]
        memory = figures["regaudit"]["peak_rss_mb"] / figures["plain"]["peak_rss_mb"]
        print(f"{fmt:8} ratio regaudit/plain: time {ratio:.2f}x, peak RSS {memory:.2f}x", flush=True)


if __name__ == "__main__":
    main()
