"""generate(): the deterministic Hyvinvoivin sample end to end — bulk, plants, export files, ground truth."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from audit_lib.errors import RegauditError
from audit_lib.i18n import T_
from audit_lib.sample import bulk, layout, plants, prng, timeline, writers

MIN_SUBJECTS = 400  # below this too few early customers are left to adopt for the plants once the
# bulk-read plants have reserved the customers they read (threshold + 20)


class SampleError(RegauditError, ValueError):
    """generate() was asked for something it cannot write (the CLI prints the message in red)."""


@dataclass(frozen=True)
class GenerationSummary:
    """What generate() wrote: rows per export file, where the ground truth is, and the near misses."""

    out_dir: Path
    exports_dir: Path
    expected_findings: Path
    row_counts: dict[str, int]
    findings: int
    seed: int
    subjects: int
    providers: int
    fmt: str
    violations: tuple[plants.Violation, ...] = field(default=(), repr=False)
    near_misses: tuple[plants.NearMiss, ...] = field(default=(), repr=False)
    seconds: float = field(default=0.0, compare=False)

    def __str__(self) -> str:
        lines = [f"seed {self.seed}, {self.subjects} consumers, {self.providers} providers, format {self.fmt}, "
                 f"{self.seconds:.1f} s"]
        lines += [f"  {name:<28} {count:>10,} rows" for name, count in self.row_counts.items()]
        lines.append(f"  {self.expected_findings.name:<28} {self.findings:>10,} expected findings "
                     f"({len(self.violations)} violations and {len(self.near_misses)} near misses planted)")
        return "\n".join(lines)


# DuckDB's memory limit while generating: the working tables of 10M subjects (~20 GB uncompressed)
# live in a database file in the temporary folder and spill there, so the limit, not the size of
# the register, bounds the memory used.
MEMORY_LIMIT = "8GB"


def _connect(workdir: str, memory_limit: str = MEMORY_LIMIT):
    import duckdb

    # File-backed: tables are written to disk as they are built instead of held in memory; the
    # export files are then streamed out of it with COPY ... TO.
    con = duckdb.connect(str(Path(workdir) / "sample.duckdb"))
    con.execute("SET memory_limit = ?", [memory_limit])
    # A spill folder lets large samples (10M subjects) sort and join beyond memory.
    con.execute("SET temp_directory = ?", [str(Path(workdir) / "spill")])
    con.execute("SET TimeZone = 'UTC'")
    # A 10M sample runs statements of minutes: no progress bar drawn into the caller's output.
    con.execute("SET enable_progress_bar = false")
    return con


def _prepare_declaration(out_dir: Path, fmt: str) -> None:
    bundled = layout.BUNDLED_DIR.resolve()
    if out_dir.resolve() != bundled:
        for name in ("register.yaml", "exports.yaml"):
            target = out_dir / name
            # A Parquet variant left by an earlier run would name files a native run does not write.
            stale = name == "exports.yaml" and target.exists() and layout.is_parquet_variant(target)
            if not target.exists() or (stale and fmt == "native"):
                shutil.copyfile(bundled / name, target)
    if fmt == "parquet":
        if out_dir.resolve() == bundled:
            raise SampleError(T_("the bundled sample is native; write a Parquet sample into another folder"))
        # The mapping must name the files actually written, so it is replaced, not kept.
        (out_dir / "exports.yaml").write_text(layout.parquet_exports_yaml(), encoding="utf-8")


def register_gaps(out_dir: Path) -> list[plants.Finding]:
    """The notice findings the bundled register.yaml must produce in every period (its known gaps,
    reviewed against the seed's published text); none when ``out_dir`` holds another register."""
    import csv

    bundled = layout.BUNDLED_DIR / "register.yaml"
    used = out_dir / "register.yaml"
    if not used.is_file() or used.read_bytes() != bundled.read_bytes():
        return []
    with (Path(__file__).parent / "register_gaps.csv").open(encoding="utf-8", newline="") as handle:
        gaps = list(csv.DictReader(handle))
    return [plants.Finding(period, gap["check_id"], gap["record_ref"]) for period in timeline.AUDITED_PERIODS
            for gap in gaps]


def generate(out_dir: Path, seed: int = 42, subjects: int = 2000, fmt: str = "native") -> GenerationSummary:
    """Write a Hyvinvoivin register with planted violations into ``out_dir``.

    ``out_dir/exports/`` gets every file of exports.yaml (``fmt="native"``: CSV, Parquet, JSON and
    XLSX as declared; ``fmt="parquet"``: every file as Parquet, with an exports.yaml naming them),
    and ``out_dir/expected_findings.csv`` the findings the planted violations must produce in
    2026-Q2 and 2026-Q3. register.yaml and exports.yaml are copied from the bundled sample when
    ``out_dir`` has none. ``subjects`` is the number of consumers; providers are
    max(5, subjects // 20). The same arguments always give byte-identical files.
    """
    started = time.perf_counter()
    if fmt not in layout.FORMATS:
        raise SampleError(T_("format {format!r}: use one of {formats}", format=fmt, formats=", ".join(layout.FORMATS)))
    if subjects < MIN_SUBJECTS:
        raise SampleError(T_("subjects={subjects}: the planted cases need at least {minimum} consumers",
                             subjects=subjects, minimum=MIN_SUBJECTS))
    out_dir = Path(out_dir)
    exports_dir = out_dir / "exports"
    exports_dir.mkdir(parents=True, exist_ok=True)
    _prepare_declaration(out_dir, fmt)

    sizes = bulk.size_variables(subjects)
    ids = bulk.id_formats(sizes["n_consumers"], sizes["n_providers"])
    with tempfile.TemporaryDirectory(prefix="regaudit-sample-") as workdir:
        con = _connect(workdir)
        try:
            prng.install(con, seed, bulk.STATEMENTS)
            lookup_sizes = bulk.create_lookups(con, layout.role_access())
            bulk.set_variables(con, {**timeline.sql_variables(), **sizes, **lookup_sizes, **bulk.id_variables(ids),
                                     "zone": timeline.ZONE, "now_local": timeline.NOW})
            bulk.generate_bulk(con)
            planted = plants.apply_plants(plants.PlantContext(con=con, seed=seed, ids=ids, fmt=fmt))
            counts = {}
            for export in layout.export_files():
                for stale in {export.name_in("native"), export.name_in("parquet")}:
                    (exports_dir / stale).unlink(missing_ok=True)
                name = export.name_in(fmt)
                counts[name] = writers.write_export(con, export, exports_dir / name, fmt,
                                                    planted.exposed.get(export.role, ()))
        finally:
            con.close()
    expected = out_dir / "expected_findings.csv"
    findings = writers.write_expected_findings([*planted.findings, *register_gaps(out_dir)], expected)
    return GenerationSummary(out_dir=out_dir, exports_dir=exports_dir, expected_findings=expected,
                             row_counts=counts, findings=findings, seed=seed, subjects=subjects,
                             providers=sizes["n_providers"], fmt=fmt, violations=tuple(planted.violations),
                             near_misses=tuple(planted.near_misses),
                             seconds=time.perf_counter() - started)
