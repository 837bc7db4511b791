"""The report pipeline: papermill → tables → HTML → PDF → manifest, published atomically.

A run works in ``out_dir/.<name>.tmp-<pid>-<host>-<run_id>/`` and becomes ``out_dir/<name>/`` only
when every output, the manifest last, is written; so a folder named like a period is always
complete. A run whose notebook fails leaves ``out_dir/<name>.failed-<timestamp>/`` with the executed
notebook (papermill marks the failing cell) and the kernel's log, and raises ReportFailed naming the
cell. The staging folder's name carries its creator, so that a later run removes it if this one is
killed (audit_lib/stale.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from audit_lib.errors import OutputError, RegauditError, ReportError, ReportFailed, describe_os_error
from audit_lib.exit_codes import ExitCode, audit_exit_code
from audit_lib.i18n import Joined, T_
from audit_lib.outputs import CSV_DIALECT_ENV, csv_dialect as dialect_of
from audit_lib.report.labels import text
from audit_lib.report.runtime import DEMO_KEY_NAME, new_run_id, read_summary
from audit_lib.stale import owner_tag, temp_prefix
from audit_lib.vocabulary import LANGUAGES

from audit_lib.resources import NOTEBOOKS, SAMPLE, work_root

if TYPE_CHECKING:
    from audit_lib.declaration import Declaration
    from audit_lib.report import signing

# The folder that holds audit_lib (the kernel must import this one, see _kernel_imports_this_package).
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = NOTEBOOKS / "quarterly_audit.ipynb"
DEMO_SAMPLE = SAMPLE


def demo_key() -> Path:
    """The demo pseudonym key: ``.regaudit/`` of the checkout, or of the current folder when installed."""
    return work_root() / ".regaudit" / DEMO_KEY_NAME
DEMO_PERIOD = "2026-Q3"

EXECUTED_NOTEBOOK = "quarterly_audit.ipynb"
HTML = "report.html"
PDF = "report.pdf"
KERNEL_ENV = "REGAUDIT_KERNEL"
PREFERRED_KERNEL = "regaudit"
FALLBACK_KERNEL = "python3"


# The kernel's own output (its start-up warnings, anything written to its file descriptors rather
# than to a cell) goes to this file in the run's folder, not to the user's terminal; it is kept with
# a failed run and shown live with --debug.
KERNEL_LOG = "kernel.log"


def exit_code(folder: str | os.PathLike, fail_on: str | None = "low") -> ExitCode:
    """The exit code of a published report (see ``regaudit run --help``), decided from its audit.json
    by the same function as ``regaudit check``'s: 2 when the audit is incomplete, else 1 when an open
    finding is at or above ``fail_on``, else 0."""
    audit = read_summary(folder)
    return audit_exit_code(bool(audit.get("complete", False)), audit.get("open_by_severity") or {}, fail_on)


def kernel_name() -> str:
    """The Jupyter kernel to run the notebook with: ``$REGAUDIT_KERNEL``, else "regaudit" if
    installed (``make`` installs it), else "python3". Always passed explicitly, never read from the
    notebook, because a stored kernelspec missing here fails with NoSuchKernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    wanted = os.environ.get(KERNEL_ENV)
    available = KernelSpecManager().find_kernel_specs()
    if wanted:
        if wanted not in available:
            raise ReportError(T_("Notebook: kernel {kernel!r} (from {env}) is not installed; installed: {installed}.",
                                 kernel=wanted, env=KERNEL_ENV, installed=", ".join(sorted(available)) or T_("none")))
        return wanted
    if PREFERRED_KERNEL in available:
        return PREFERRED_KERNEL
    if FALLBACK_KERNEL in available:
        return FALLBACK_KERNEL
    raise ReportError(T_("Notebook: no Jupyter kernel is installed; run `make` or "
                         "`python -m ipykernel install --sys-prefix --name regaudit`."))


@contextlib.contextmanager
def _kernel_can_import_audit_lib() -> Iterator[None]:
    """Put the folder holding this audit_lib first on the kernel's PYTHONPATH while it starts.

    The kernel is a separate process started in the notebook's folder; without this it would
    import whatever audit_lib its environment has (or none, in a checkout that is not installed),
    not the one running this pipeline.
    """
    previous = os.environ.get("PYTHONPATH")
    parts = [str(PACKAGE_ROOT)] + ([previous] if previous else [])
    os.environ["PYTHONPATH"] = os.pathsep.join(parts)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous


def execute_notebook(notebook: Path, output: Path, parameters: dict, kernel: str, *,
                     kernel_log: Path | None = None) -> Path:
    """Run ``notebook`` with papermill into ``output``; a failing cell raises ReportError naming it.

    The kernel's own output (ipykernel's "running over TCP without encryption" warning and whatever
    else reaches its stdout and stderr rather than a cell) goes to ``kernel_log``, or is dropped when
    that is None; with --debug it reaches the terminal.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from audit_lib.debug import debug_enabled

    with contextlib.ExitStack() as stack:
        log = None if debug_enabled() else stack.enter_context(open(kernel_log or os.devnull, "ab"))
        try:
            with _kernel_can_import_audit_lib():
                papermill.execute_notebook(
                    str(notebook), str(output), parameters=parameters, kernel_name=kernel,
                    cwd=str(notebook.parent), progress_bar=False, log_output=False,
                    kernel_manager_class=_kernel_manager(log),
                )
        except PapermillExecutionError as exc:
            # Index in the executed notebook (after papermill's injected-parameters cell) plus the
            # cell's first line, so the cell can be found in either notebook.
            first_line = next((line for line in (exc.source or "").splitlines() if line.strip()), "")
            raise ReportError(T_("Notebook {name}: cell {cell} ({first_line!r}) failed: {error}: {value}",
                                 name=notebook.name, cell=exc.cell_index, first_line=first_line.strip()[:80],
                                 error=exc.ename, value=exc.evalue)) from exc
    return output


def _kernel_manager(log):
    """A kernel manager class (nbclient's default, AsyncKernelManager) that starts the kernel with
    its stdout and stderr in the open file ``log`` (None: this process's), and names the kernel's
    connection file as regaudit names its temporary files, so that a killed run's is removed too."""
    import secrets

    from jupyter_client.manager import AsyncKernelManager

    class RegauditKernelManager(AsyncKernelManager):
        """Starts its kernel with its output in a log file and a connection file named by its creator."""

        async def start_kernel(self, **kw):
            if log is not None:
                kw.setdefault("stdout", log)
                kw.setdefault("stderr", log)
            if not self.connection_file:  # else jupyter_client makes an anonymous /tmp/tmpXXXX.json
                from audit_lib.stale import temp_path

                self.connection_file = temp_path("kernel", secrets.token_hex(4) + ".json")
            return await super().start_kernel(**kw)

    return RegauditKernelManager


@contextlib.contextmanager
def _kernel_progress(progress) -> Iterator[None]:
    """While the notebook runs, pass the audit's progress in the kernel on to ``progress``.

    The kernel is another process: run_audit there appends its events to the file that
    $REGAUDIT_PROGRESS_FILE names (set here, inherited by the kernel), and a thread follows it.
    """
    if progress is None:
        yield
        return
    import tempfile
    import threading

    from audit_lib.audit import PROGRESS_FILE_ENV, AuditProgress

    handle, path = tempfile.mkstemp(prefix=temp_prefix("progress"), suffix=".jsonl")
    os.close(handle)
    previous = os.environ.get(PROGRESS_FILE_ENV)
    os.environ[PROGRESS_FILE_ENV] = path
    stop = threading.Event()

    def follow() -> None:
        with open(path, encoding="utf-8") as events:
            line = ""
            while True:
                line += events.readline()
                if line.endswith("\n"):
                    with contextlib.suppress(Exception):  # progress never breaks a report
                        progress(AuditProgress.from_json(line))
                    line = ""
                elif stop.is_set():
                    return
                else:
                    stop.wait(0.2)

    thread = threading.Thread(target=follow, name="regaudit-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        if previous is None:
            os.environ.pop(PROGRESS_FILE_ENV, None)
        else:
            os.environ[PROGRESS_FILE_ENV] = previous
        with contextlib.suppress(OSError):
            os.unlink(path)


@contextlib.contextmanager
def _kernel_env(name: str, value: str) -> Iterator[None]:
    """Set ``$name`` while the notebook runs (its kernel inherits this process's environment), then restore it."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def _timestamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def publish(staging: Path, final: Path) -> Path:
    """Move ``staging`` to ``final``; an older ``final`` is renamed aside first, deleted last.

    Both renames are within one folder, so each is atomic; between them ``final`` is briefly
    absent, never half written. If the second rename fails the old folder is put back.
    """
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{owner_tag()}-{_timestamp()}")
        os.rename(final, old)
    try:
        os.rename(staging, final)
    except BaseException:
        if old is not None:
            os.rename(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final


def staging_folder(out: Path, name: str, run_id: str | None = None) -> Path:
    """Where a run for ``out/<name>/`` works: ``out/.<name>.tmp-<pid>-<host>-<run id>/``.

    Without a run id the audit derives one from what it reads (same inputs, same id), which is known
    only after it ran; the folder gets its own unique suffix meanwhile. The pid and host let a later
    run remove the folder if this one is killed (audit_lib/stale.py).
    """
    return out / f".{name}.tmp-{owner_tag()}-{run_id or new_run_id('run')}"


def _keep_failed(staging: Path, out: Path, name: str) -> Path | None:
    """Rename a failed run's folder to ``<name>.failed-<timestamp>`` so it is kept for inspection;
    None when there is none or it cannot be renamed (the error that failed the run is the news)."""
    if not staging.exists():
        return None
    failed = out / f"{name}.failed-{_timestamp()}"
    try:
        os.rename(staging, failed)
    except OSError:
        return None
    return failed


# The validated declaration the pipeline hands the kernel (audit_lib/declaration/snapshot.py), in the
# run's folder while the notebook runs: removed once it ran, kept with a failed run.
DECLARATION_SNAPSHOT = "declaration.snapshot.json"
SNAPSHOT_PARAMETER = "declaration_snapshot"
# The parameter the manifest does not record: the start differs on every run (it is recorded once, as
# started_at). The snapshot's path is no parameter of the run's (_execute adds it for the kernel alone):
# it names a file of the run's folder that is gone when the report is published.
_UNRECORDED = ("started_at",)


@dataclass
class _Run:
    """One report run, its inputs checked before anything starts: what the notebook gets and the
    rest of the pipeline needs."""

    period: str
    lang: str
    pdf: bool
    name: str
    out: Path
    notebook: Path
    declaration: "Declaration"
    parameters: dict[str, Any]
    dialect: str
    started_at: datetime
    started: str  # started_at as the cover and the PDF's footer show it: in the register's time zone
    signer: "signing.Signer | None"


def run_report(register: str | os.PathLike | None, exports: str | os.PathLike, period: str,
               out_dir: str | os.PathLike, *, pseudonym_key_file: str | os.PathLike | None = None,
               lang: str = "en", pdf: bool = True, name: str | None = None,
               run_id: str | None = None, notebook: str | os.PathLike | None = None,
               progress=None, allow_outside: "list[str | os.PathLike] | None" = None,
               csv_dialect: str | None = None, auditor: str | None = None, approver: str | None = None,
               sign_key: str | None = None, engine: str = "duckdb", master: str | None = None) -> Path:
    """Audit ``register``/``exports`` for ``period`` and write the report to ``out_dir/<period>/``.

    ``register`` None means the register.yaml that exports.yaml names. The declaration is validated
    here, with ``allow_outside`` (folders outside exports.yaml's own its paths may name; None:
    $REGAUDIT_ALLOW_OUTSIDE), and reaches the notebook as a snapshot: the kernel does not read the
    YAML files again. ``csv_dialect`` is the layout of every CSV (audit_lib/outputs.py; None:
    $REGAUDIT_CSV_DIALECT, else ``excel``). ``engine`` and ``master`` say where the checks run.

    The folder holds the executed notebook, report.html (no code, works offline), report.pdf
    (unless ``pdf=False``; PDF/A-2b), the findings and check results (CSV, Parquet, JSON), audit.json,
    manifest.json and SHA256SUMS; with ``sign_key`` (an OpenPGP key of GnuPG's keyring) also
    manifest.json.asc. The cover names ``auditor`` and ``approver`` ("not named" when None) and the
    run's start in the register's time zone. ``name`` replaces the folder name (``demo``);
    ``notebook`` replaces the report notebook. ``progress`` (optional) is told each stage as an
    ``audit_lib.audit.AuditProgress``: the audit's stages and checks from inside the kernel, then
    ``html``, ``pdf``, ``sign`` and ``publish``. Returns the published folder; raises ReportError.
    """
    run = _prepare(register, exports, period, out_dir, key_file=pseudonym_key_file, lang=lang, pdf=pdf, name=name,
                   run_id=run_id, notebook=notebook, allow_outside=allow_outside, csv_dialect=csv_dialect,
                   people=(auditor, approver), sign_key=sign_key, engine=engine, master=master)
    staging = _make_staging(run.out, run.name, run_id)
    try:
        say = _stage_callback(progress)
        audit = _execute(run, staging, progress, say)
        if run_id and audit.get("run_id") != run_id:
            raise ReportError(T_("Report: the notebook wrote results of run {written!r}, not {run_id!r}.",
                                 written=audit.get("run_id"), run_id=run_id))
        _render(run, staging, audit, say)
        _seal(run, staging, audit, say)
        return publish(staging, run.out / run.name)
    except BaseException as exc:
        failure = _failed(exc, staging, run.out, run.name)
        if failure is exc:
            raise
        raise failure from exc


def _prepare(register, exports, period: str, out_dir, *, key_file, lang: str, pdf: bool, name: str | None,
             run_id: str | None, notebook, allow_outside, csv_dialect: str | None,
             people: tuple[str | None, str | None], sign_key: str | None, engine: str, master: str | None) -> _Run:
    """Check everything a run needs before it starts, so that a mistake fails here with its own
    message and exit code (a DeclarationError: 3, file and line), not as a failed notebook cell."""
    from audit_lib.periods import parse_period
    from audit_lib.report import signing
    from audit_lib.report.people import person
    from audit_lib.report.times import zoned_iso

    started_at = datetime.now(timezone.utc)
    parse_period(period)
    auditor, approver = person(people[0], "auditor"), person(people[1], "approver")
    if lang not in LANGUAGES:
        raise ReportError(T_("Report language {lang!r} is not available; use one of {languages}.", lang=lang,
                             languages=", ".join(LANGUAGES)))
    dialect = dialect_of(csv_dialect).name
    declaration, allowed = _declaration(register, exports, allow_outside)
    _check_accepted(declaration)
    started = zoned_iso(started_at, declaration.register.controller.timezone)
    key_path = _key_path(key_file)
    _check_tools(pdf)
    signer = signing.signer(sign_key) if sign_key else None
    notebook_path = Path(notebook).resolve() if notebook else NOTEBOOK
    if not notebook_path.is_file():
        raise ReportError(T_("Report: the notebook {notebook} does not exist (the report runs from a checkout of the "
                             "regaudit repository).", notebook=notebook_path))
    out = Path(out_dir).resolve()
    # The previous period's report beside this one, if any, for new / still open / resolved.
    previous = out / parse_period(period).previous().label / "findings.parquet"
    parameters = {  # in this order in the notebook and the manifest
        "register": str(Path(register).resolve()) if register else None,  # None: the one exports.yaml names
        "exports": str(Path(exports).resolve()),
        "period": period,
        "output_dir": None,  # the run's folder, once made
        "pseudonym_key_file": str(key_path) if key_path else None,
        "lang": lang,
        "run_id": run_id,  # None: the audit derives it from its inputs
        "previous_findings": str(previous) if previous.is_file() else None,
        "allow_outside": allowed,  # folders outside exports.yaml's that its paths may name (--allow-outside)
        "started_at": started,
        "auditor": auditor,
        "approver": approver,
        "signing_key": signer.fingerprint if signer else None,
        "engine": engine,
        "master": master,
    }
    return _Run(period, lang, pdf, name or period, out, notebook_path, declaration, parameters, dialect, started_at,
                started, signer)


def _declaration(register, exports, allow_outside) -> "tuple[Declaration, list[str] | None]":
    """The validated declaration, and ``allow_outside`` resolved (the kernel runs in the notebook's
    folder; None leaves $REGAUDIT_ALLOW_OUTSIDE to it, as it inherits this process's environment)."""
    from audit_lib.opening import read_declaration

    register_path = Path(register).resolve() if register else None
    exports_path = Path(exports).resolve()
    for path in (register_path, exports_path):
        if path is not None and not path.is_file():
            raise ReportError(T_("Report: {path} does not exist.", path=path))
    allowed = [str(Path(p).expanduser().resolve()) for p in allow_outside] if allow_outside is not None else None
    return read_declaration(register_path, exports_path, allow_outside=allowed), allowed


def _check_accepted(declaration: "Declaration") -> None:
    """Validate accepted.yaml beside exports.yaml as the kernel's audit will read it, so that a mistake in
    it fails here (DeclarationError: exit 3, file and line) and not as a failed notebook cell."""
    from audit_lib.accepted import default_accepted_path, load_accepted

    path = default_accepted_path(declaration.exports_source.path)
    if path is not None:
        load_accepted(path)


def _key_path(key_file: str | os.PathLike | None) -> Path | None:
    """The pseudonym key file, resolved; one that is not the demo key must load now (its message
    says how to provide a key), the demo key is made by the kernel on first use."""
    from audit_lib.pseudonym import load_key

    key_path = Path(key_file).resolve() if key_file else None
    if key_path is None or key_path.name != DEMO_KEY_NAME:
        load_key(key_path)
    return key_path


def _check_tools(pdf: bool) -> None:
    """Chromium and Ghostscript, when the run prints a PDF: missing, they fail before a long audit."""
    if pdf:
        from audit_lib.report import pdf as pdf_module, pdfa

        pdf_module.find_browser()
        pdfa.srgb_profile(pdfa.find_ghostscript())


def _make_staging(out: Path, name: str, run_id: str | None) -> Path:
    """Create the run's folder (``staging_folder``); a file in the way or a read-only disk is an OutputError."""
    staging = staging_folder(out, name, run_id)
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    except OSError as exc:  # nothing started yet
        raise OutputError.from_os_error(exc) from None
    return staging


def _execute(run: _Run, staging: Path, progress, say) -> dict[str, Any]:
    """Run the notebook into ``staging``, with the declaration's snapshot when it takes one (a notebook
    that does not, ``--notebook``'s own, reads the declaration's paths); return the audit.json it wrote."""
    import papermill

    from audit_lib.declaration.snapshot import write_snapshot

    parameters = dict(run.parameters, output_dir=str(staging))
    snapshot = staging / DECLARATION_SNAPSHOT
    if SNAPSHOT_PARAMETER in papermill.inspect_notebook(str(run.notebook)):
        parameters[SNAPSHOT_PARAMETER] = str(write_snapshot(run.declaration, snapshot))
    say("notebook")
    with _kernel_progress(progress), _kernel_env(CSV_DIALECT_ENV, run.dialect):
        execute_notebook(run.notebook, staging / EXECUTED_NOTEBOOK, parameters, kernel_name(),
                         kernel_log=staging / KERNEL_LOG)
    # Kept only when the run fails: neither is evidence.
    (staging / KERNEL_LOG).unlink(missing_ok=True)
    snapshot.unlink(missing_ok=True)
    return read_summary(staging)


def _render(run: _Run, staging: Path, audit: dict[str, Any], say) -> None:
    """report.html from the executed notebook, and report.pdf (PDF/A-2b) from it unless not wanted."""
    from audit_lib.report import manifest, render

    title = f"{text('title', run.lang)} {run.period}"
    say("html")
    render.notebook_to_html(staging / EXECUTED_NOTEBOOK, staging / HTML, title=title, lang=run.lang)
    if run.pdf:
        say("pdf")
        footer = f"{title} · {audit['run_id']} · {text('footer.started', run.lang)} {run.started}"
        _print_archived(staging / HTML, staging / PDF, footer=footer, lang=run.lang, info={
            "Title": title, "Author": run.parameters["auditor"] or "", "Subject": audit["run_id"],
            "Creator": f"regaudit {manifest.package_versions(('regaudit',))['regaudit'] or ''}".strip()})


def _seal(run: _Run, staging: Path, audit: dict[str, Any], say) -> None:
    """manifest.json (with what shaped the outputs), its signature when asked for, SHA256SUMS last."""
    from audit_lib.report import manifest, signing, sums

    say("publish")
    # The manifest records where the report is published, not the staging folder. The CSV dialect is
    # no notebook parameter (the kernel takes it from its environment), but it shaped the outputs.
    recorded = {key: value for key, value in run.parameters.items() if key not in _UNRECORDED}
    recorded.update(csv_dialect=run.dialect, output_dir=str(run.out / run.name))
    signer = run.signer
    manifest.write_manifest(
        staging, run_id=audit["run_id"], period=run.period, parameters=recorded,
        inputs=_frame(audit["inputs"]), declaration_hashes=audit["declaration_hashes"],
        started_at=run.started_at, finished_at=datetime.now(timezone.utc),
        complete=audit["complete"], catalogue_version=audit.get("catalogue_version"),
        evidence_hashes=audit.get("evidence_hashes") or {},
        incomplete_reasons=audit.get("incomplete_reasons") or [],
        key_fingerprint=audit.get("key_fingerprint"),  # the next period's report compares its key with it
        time_zone=run.declaration.register.controller.timezone,
        signature=({"file": signing.SIGNATURE, "key_fingerprint": signer.fingerprint, "user_id": signer.user_id}
                   if signer else None),
    )
    if signer:
        say("sign")
        signing.sign(staging / manifest.MANIFEST, signer, staging / signing.SIGNATURE)
    sums.write_sums(staging)  # last: it lists the manifest and its signature too


def _failed(exc: BaseException, staging: Path, out: Path, name: str) -> BaseException:
    """The error to raise for a run that broke after it started: the run's folder is kept as
    ``<name>.failed-<timestamp>`` and named in a ReportFailed (``exc`` itself when it is no error of
    regaudit's nor of the disk: an interrupt, a bug)."""
    failed = _keep_failed(staging, out, name)
    note = [T_(" The executed notebook and the kernel's log are kept in {folder}.", folder=failed)] if failed else []
    if isinstance(exc, RegauditError):
        return ReportFailed(Joined("", [exc, *note]), failed)
    if isinstance(exc, OSError):  # the disk filled up, the folder went read-only, ...
        return ReportFailed(Joined("", [T_("Report: {error}", error=describe_os_error(exc, output=True)), *note]),
                            failed)
    return exc


def _print_archived(html: Path, pdf: Path, *, footer: str, lang: str, info: dict[str, str]) -> Path:
    """Print ``html`` with Chromium into a temporary file, then archive it as PDF/A-2b into ``pdf``."""
    import tempfile

    from audit_lib.report import pdf as pdf_module, pdfa

    with tempfile.TemporaryDirectory(prefix=temp_prefix("pdf")) as work:
        printed = pdf_module.html_to_pdf(html, Path(work) / pdf.name, footer=footer, lang=lang)
        return pdfa.to_pdfa(printed, pdf, info=info)


def _stage_callback(progress):
    """``say(stage)``: tell ``progress`` (if any) that a stage of the pipeline starts."""
    if progress is None:
        return lambda _stage: None
    from audit_lib.audit import AuditProgress

    return lambda stage: progress(AuditProgress(stage))


def _frame(records: list[dict]):
    """Rebuild the inputs table from audit.json for the manifest."""
    import pandas as pd

    return pd.DataFrame.from_records(records)


def demo(out_dir: str | os.PathLike = "reports", *, lang: str = "en", pdf: bool = True,
         csv_dialect: str | None = None, auditor: str | None = None, approver: str | None = None,
         sign_key: str | None = None) -> Path:
    """Run the report on the bundled sample for 2026-Q3 into ``<out_dir>/demo/``.

    Uses a demo pseudonym key at ``.regaudit/demo-pseudonym.key`` in the repository (created on
    first use; the folder is gitignored and outside reports/). A relative ``out_dir`` is taken from
    the repository, so ``regaudit demo`` writes to the same place from any working folder; for an
    installed package both are taken from the current folder (audit_lib/resources.py).
    """
    from audit_lib.pseudonym import ensure_key_file

    key = ensure_key_file(demo_key())
    return run_report(DEMO_SAMPLE / "register.yaml", DEMO_SAMPLE / "exports.yaml", DEMO_PERIOD,
                      demo_out_dir(out_dir), pseudonym_key_file=key, lang=lang, pdf=pdf, name="demo",
                      csv_dialect=csv_dialect, auditor=auditor, approver=approver, sign_key=sign_key)


def demo_out_dir(out_dir: str | os.PathLike = "reports") -> Path:
    """The folder ``demo`` writes into: ``out_dir``, a relative one taken from ``work_root()``."""
    target = Path(out_dir)
    return target if target.is_absolute() else work_root() / target
