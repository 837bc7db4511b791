"""Check benchmark: each rewritten check against its former form, on one loaded register, interleaved.

Run by hand (not a test)::

    .venv/bin/python benchmarks/bench_checks.py --subjects 1000000 --repeat 3

The register (``benchmarks/data/audit-<n>/``, made by bench_audit.py's ``sample_dir``) is loaded
once; then, for each check whose file differs from its form at ``--baseline`` (a commit; by default
the one before the checks were rewritten for speed, read from git into a temporary folder), the
former and the current check run alternately ``--repeat`` times each on the same
connection, every run from a clean state (shared intermediate results dropped). Printed per run:
wall and CPU seconds (CPU is the process's, DuckDB's threads included: the steadier figure on a
shared machine); then, per check, the medians, the ratios former/current, and whether the two
forms gave the same rows in the same order and the same population. A difference is printed and
makes the script exit 1: a rewrite that changes a finding is a bug, not a speed-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_audit import BENCHMARK_KEY, PERIOD, sample_dir  # noqa: E402

# The commit before the checks were rewritten for speed (issue "fast checks").
BASELINE_COMMIT = "d339aa3"


def baseline_checks(commit: str, folder: Path) -> Path:
    """The check files that differ between ``commit`` and the work tree, as they were at ``commit``,
    written under ``folder/<family>/`` (helper modules such as ``_phones.py`` are imported from the
    work tree: the former checks import them by module path)."""
    import subprocess

    root = HERE.parent
    changed = subprocess.run(["git", "diff", "--name-only", commit, "--", "audit_lib/checks"], cwd=root,
                             capture_output=True, text=True, check=True).stdout.split()
    for path in changed:
        name = Path(path).name
        if (name.startswith("_") or Path(path).suffix not in (".sql", ".py") or not (root / path).exists()
                or Path(path).parent.parent.name != "checks"):
            continue
        shown = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=root, capture_output=True, text=True)
        if shown.returncode != 0:
            continue  # a check added since: nothing to compare with
        target = folder / Path(path).parent.name / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(shown.stdout, encoding="utf-8")
    return folder


def _context(result):
    from audit_lib.checks.runner import CheckContext

    period = result.period
    params = {"period_start": period.start, "period_end": period.end, "as_of": period.as_of}
    return CheckContext(con=result.con, params=params, available=result.load_report.available,
                        declaration=result.declaration)


def _without_join_guard(checks, result) -> None:
    """Time each check's own work: the runner's guard against joins that cannot match (the same code
    for both forms, and one audit-wide cost in an audit) is judged once here, untimed, and its verdict
    replayed in the timed runs."""
    from audit_lib.checks import runner

    verdicts = {}
    for check in checks:
        context = _context(result)
        verdicts[check.id] = runner.join_problem(check, context)
        context.drop_shared()
    runner.join_problem = lambda check, context: verdicts[check.id]


def _run(check, result) -> tuple[float, float, object]:
    """One clean run: wall and CPU seconds, and (status, population, rows) to compare."""
    wall, cpu, [outcome] = _run_group([check], result)
    return wall, cpu, outcome


# Checks that read one shared result (audit_lib/checks/shared.py): the result is made once per audit,
# so a group is timed together too, each form in one clean context, as the audit runs it.
GROUPS = {
    "access_log_in_period": ("access_bulk_read", "access_outside_validity", "access_unauthorised_role"),
    "subjects_in_register": ("quality_invalid_email", "quality_invalid_postal_code", "quality_invalid_phone",
                             "quality_duplicate_subject"),
}


def _run_group(checks, result) -> tuple[float, float, object]:
    """The checks run one after the other in one clean context: wall and CPU seconds, and each one's
    (status, population, reason, rows) to compare."""
    from audit_lib.checks.runner import run_checks

    context = _context(result)
    # Temp tables a former form made for itself (its own ad hoc caches) go too: each run starts clean.
    for (name,) in result.con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall():
        result.con.execute(f'DROP TABLE "{name}"')
    wall, cpu = time.perf_counter(), time.process_time()
    outcomes = run_checks(checks, context)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    context.drop_shared()
    return wall, cpu, [(o.status.value, o.population, o.reason, o.rows) for o in outcomes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-limit", default="4GB")
    parser.add_argument("--only", nargs="*", help="check ids to compare (default: every changed check)")
    parser.add_argument("--baseline", default=BASELINE_COMMIT, help="the commit of the former forms")
    args = parser.parse_args()

    from audit_lib.audit import run_audit
    from audit_lib.checks.registry import catalogue, discover

    folder = sample_dir(args.subjects)
    started = time.perf_counter()
    result = run_audit(None, folder / "exports.yaml", PERIOD, pseudonym_key=BENCHMARK_KEY, checks=(),
                       memory_limit=args.memory_limit)
    print(f"{args.subjects:,} subjects loaded in {time.perf_counter() - started:.1f} s", flush=True)
    import tempfile

    current = {c.id: c for c in catalogue()}
    scratch = tempfile.TemporaryDirectory(prefix="regaudit-baseline-")
    former = {c.id: c for c in discover(baseline_checks(args.baseline, Path(scratch.name)))}
    ids = [i for i in sorted(former) if not args.only or i in args.only]
    _without_join_guard([current[i] for i in ids], result)
    failed = False
    print(f"{'check':50} {'form':8} {'run':>3} {'wall s':>8} {'CPU s':>8}")
    summary = []
    for check_id in ids:
        times: dict[str, list[tuple[float, float]]] = {"former": [], "current": []}
        outcomes: dict[str, object] = {}
        for run in range(args.repeat):
            # Interleaved, and the order alternates, so that drift on a shared machine hits both forms.
            order = ("former", "current") if run % 2 == 0 else ("current", "former")
            for form in order:
                check = former[check_id] if form == "former" else current[check_id]
                wall, cpu, outcome = _run(check, result)
                times[form].append((wall, cpu))
                outcomes.setdefault(form, outcome)
                if outcomes[form] != outcome:
                    print(f"  {check_id} {form}: not deterministic across runs")
                    failed = True
                print(f"{check_id:50} {form:8} {run + 1:>3} {wall:>8.3f} {cpu:>8.3f}", flush=True)
        same = outcomes["former"] == outcomes["current"]
        if not same:
            failed = True
            old, new = outcomes["former"], outcomes["current"]
            print(f"  DIFFERENT: status/population {old[:3]} vs {new[:3]}; rows {len(old[3])} vs {len(new[3])}")
            for a, b in zip(old[3], new[3]):
                if a != b:
                    print(f"  first differing row:\n    former  {a}\n    current {b}")
                    break
        medians = {form: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
                   for form, t in times.items()}
        summary.append((check_id, medians, same, outcomes["current"]))
    groups = []
    for name, members in GROUPS.items():
        members = [m for m in members if m in former and (not args.only or m in args.only)]
        if len(members) < 2:
            continue
        times = {"former": [], "current": []}
        outcomes = {}
        for run in range(args.repeat):
            for form in (("former", "current") if run % 2 == 0 else ("current", "former")):
                pool = former if form == "former" else current
                wall, cpu, outcome = _run_group([pool[m] for m in members], result)
                times[form].append((wall, cpu))
                outcomes.setdefault(form, outcome)
                print(f"{'group ' + name:50} {form:8} {run + 1:>3} {wall:>8.3f} {cpu:>8.3f}", flush=True)
        same = outcomes["former"] == outcomes["current"]
        failed |= not same
        medians = {form: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t))
                   for form, t in times.items()}
        groups.append((f"group {name} ({len(members)})", medians, same))
    print()
    print(f"{'check':50} {'former wall/CPU':>16} {'current wall/CPU':>17} {'ratio wall':>10} {'ratio CPU':>9} "
          f"{'rows':>6} {'population':>10} equal")
    for check_id, medians, same, outcome in summary:
        (fw, fc), (cw, cc) = medians["former"], medians["current"]
        print(f"{check_id:50} {fw:>7.2f}/{fc:>7.2f} {cw:>8.2f}/{cc:>7.2f} {fw / cw:>9.1f}x {fc / max(cc, 1e-9):>8.1f}x "
              f"{len(outcome[3]):>6} {outcome[1]!s:>10} {'yes' if same else 'NO'}")
    for label, medians, same in groups:
        (fw, fc), (cw, cc) = medians["former"], medians["current"]
        print(f"{label:50} {fw:>7.2f}/{fc:>7.2f} {cw:>8.2f}/{cc:>7.2f} {fw / cw:>9.1f}x {fc / max(cc, 1e-9):>8.1f}x "
              f"{'':>6} {'':>10} {'yes' if same else 'NO'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
