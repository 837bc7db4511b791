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
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from audit_lib.errors import OutputError, RegauditError, ReportError, ReportFailed, describe_os_error
from audit_lib.exit_codes import ExitCode, audit_exit_code
from audit_lib.outputs import CSV_DIALECT_ENV, csv_dialect as dialect_of
from audit_lib.report.labels import LANGUAGES, text
from audit_lib.report.runtime import DEMO_KEY_NAME, new_run_id, read_summary
from audit_lib.stale import owner_tag, temp_prefix

from audit_lib.resources import NOTEBOOKS, SAMPLE, work_root

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
            raise ReportError(f"Notebook: kernel {wanted!r} (from {KERNEL_ENV}) is not installed; "
                              f"installed: {', '.join(sorted(available)) or 'none'}.")
        return wanted
    if PREFERRED_KERNEL in available:
        return PREFERRED_KERNEL
    if FALLBACK_KERNEL in available:
        return FALLBACK_KERNEL
    raise ReportError("Notebook: no Jupyter kernel is installed; run `make` or "
                      "`python -m ipykernel install --sys-prefix --name regaudit`.")


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
            raise ReportError(
                f"Notebook {notebook.name}: cell {exc.cell_index} ({first_line.strip()[:80]!r}) "
                f"failed: {exc.ename}: {exc.evalue}"
            ) from exc
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


def run_report(register: str | os.PathLike | None, exports: str | os.PathLike, period: str,
               out_dir: str | os.PathLike, *, pseudonym_key_file: str | os.PathLike | None = None,
               lang: str = "en", pdf: bool = True, name: str | None = None,
               run_id: str | None = None, notebook: str | os.PathLike | None = None,
               progress=None, allow_outside: "list[str | os.PathLike] | None" = None,
               csv_dialect: str | None = None, auditor: str | None = None, approver: str | None = None,
               sign_key: str | None = None, engine: str = "duckdb", master: str | None = None) -> Path:
    """Audit ``register``/``exports`` for ``period`` and write the report to ``out_dir/<period>/``.

    ``register`` None means the register.yaml that exports.yaml names. ``allow_outside`` lists the
    folders outside exports.yaml's own that the paths it names may resolve into (None:
    $REGAUDIT_ALLOW_OUTSIDE); it reaches the notebook as a parameter. ``csv_dialect`` is the layout of
    every CSV (audit_lib/outputs.py: ``excel``, ``excel-fi``, ``rfc4180``; None: $REGAUDIT_CSV_DIALECT,
    else ``excel``); it reaches the notebook's kernel as $REGAUDIT_CSV_DIALECT. ``engine`` and ``master``
    say where the checks run (``run_audit``'s), as notebook parameters.

    The folder holds the executed notebook, report.html (no code, works offline), report.pdf
    (unless ``pdf=False``; archived as PDF/A-2b by Ghostscript), the findings and check results
    (CSV, Parquet, JSON), audit.json, manifest.json and SHA256SUMS (report/sums.py); with
    ``sign_key`` (an OpenPGP key of GnuPG's keyring) also manifest.json.asc, a detached signature of
    the manifest (report/signing.py). The cover names ``auditor`` and ``approver`` ("not named" when
    None) and the run's start in the register's time zone, which the PDF's footer repeats.
    ``name`` replaces the folder name (``demo`` for ``regaudit demo``); ``notebook``
    replaces the report notebook. ``progress`` (optional) is told each stage as an
    ``audit_lib.audit.AuditProgress``: the audit's stages and checks from inside the notebook's
    kernel, then ``html``, ``pdf``, ``sign`` and ``publish``. Returns the published folder; raises ReportError
    on failure.
    """
    from audit_lib.periods import parse_period
    from audit_lib.pseudonym import load_key
    from audit_lib.report import manifest, pdf as pdf_module, pdfa, render, signing, sums
    from audit_lib.report.people import person
    from audit_lib.report.times import zoned_iso

    started_at = datetime.now(timezone.utc)
    parse_period(period)  # a bad period fails here, not inside the kernel
    auditor, approver = person(auditor, "auditor"), person(approver, "approver")
    if lang not in LANGUAGES:
        raise ReportError(f"Report language {lang!r} is not available; use one of {', '.join(LANGUAGES)}.")
    dialect = dialect_of(csv_dialect).name  # an unknown dialect fails here, not inside the kernel
    register_path = Path(register).resolve() if register else None
    exports_path = Path(exports).resolve()
    for path in (register_path, exports_path):
        if path is not None and not path.is_file():
            raise ReportError(f"Report: {path} does not exist.")
    # Validate the declaration here, before the kernel starts: a DeclarationError then reaches the
    # CLI as itself (exit code 3, file and line), not as a failed notebook cell.
    from audit_lib.declaration import load_declaration

    # Resolved here: the kernel runs in the notebook's folder. None leaves $REGAUDIT_ALLOW_OUTSIDE to
    # the kernel, which inherits this process's environment.
    allowed = [str(Path(p).expanduser().resolve()) for p in allow_outside] if allow_outside is not None else None
    declaration = load_declaration(register_path, exports_path, allow_outside=allowed)
    zone = declaration.register.controller.timezone
    started = zoned_iso(started_at, zone)  # as the cover and the PDF's footer show it
    key_path = Path(pseudonym_key_file).resolve() if pseudonym_key_file else None
    if key_path is None or key_path.name != DEMO_KEY_NAME:
        load_key(key_path)  # fails early with the message that says how to provide a key
    if pdf:  # fail before a long audit, not after it
        pdf_module.find_browser()
        pdfa.srgb_profile(pdfa.find_ghostscript())
    signer = signing.signer(sign_key) if sign_key else None
    notebook_path = Path(notebook).resolve() if notebook else NOTEBOOK
    if not notebook_path.is_file():
        raise ReportError(f"Report: the notebook {notebook_path} does not exist "
                          "(the report runs from a checkout of the regaudit repository).")

    name = name or period
    out = Path(out_dir).resolve()
    staging = staging_folder(out, name, run_id)
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
    except OSError as exc:  # a file where the folder should be, a read-only disk: nothing started yet
        raise OutputError.from_os_error(exc) from None
    # The previous period's report beside this one, if any, for new / still open / resolved.
    previous = out / parse_period(period).previous().label / "findings.parquet"
    parameters = {
        "register": str(register_path) if register_path else None,  # None: the one exports.yaml names
        "exports": str(exports_path),
        "period": period,
        "output_dir": str(staging),
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
    try:
        say = _stage_callback(progress)
        say("notebook")
        with _kernel_progress(progress), _kernel_env(CSV_DIALECT_ENV, dialect):
            execute_notebook(notebook_path, staging / EXECUTED_NOTEBOOK, parameters, kernel_name(),
                             kernel_log=staging / KERNEL_LOG)
        (staging / KERNEL_LOG).unlink(missing_ok=True)  # kept only when the run fails: not evidence
        audit = read_summary(staging)
        if run_id and audit.get("run_id") != run_id:
            raise ReportError(f"Report: the notebook wrote results of run {audit.get('run_id')!r}, "
                              f"not {run_id!r}.")
        title = f"{text('title', lang)} {period}"
        say("html")
        render.notebook_to_html(staging / EXECUTED_NOTEBOOK, staging / HTML, title=title, lang=lang)
        if pdf:
            say("pdf")
            footer = f"{title} · {audit['run_id']} · {text('footer.started', lang)} {started}"
            _print_archived(staging / HTML, staging / PDF, footer=footer, lang=lang, info={
                "Title": title, "Author": auditor or "", "Subject": audit["run_id"],
                "Creator": f"regaudit {manifest.package_versions(('regaudit',))['regaudit'] or ''}".strip()})
        # The manifest records where the report is published, not the staging folder.
        say("publish")
        # The CSV dialect is no notebook parameter (the notebook's write_outputs takes it from the
        # kernel's environment), but it shaped the outputs: the manifest records it with them.
        recorded = dict(parameters, csv_dialect=dialect, output_dir=str(out / name))
        # The start is recorded once, as started_at: a parameter that differs on every run would make
        # the manifests of two runs of one audit differ.
        recorded.pop("started_at")
        manifest.write_manifest(
            staging, run_id=audit["run_id"], period=period, parameters=recorded,
            inputs=_frame(audit["inputs"]), declaration_hashes=audit["declaration_hashes"],
            started_at=started_at, finished_at=datetime.now(timezone.utc),
            complete=audit["complete"], catalogue_version=audit.get("catalogue_version"),
            evidence_hashes=audit.get("evidence_hashes") or {},
            incomplete_reasons=audit.get("incomplete_reasons") or [],
            key_fingerprint=audit.get("key_fingerprint"),  # the next period's report compares its key with it
            time_zone=zone,
            signature=({"file": signing.SIGNATURE, "key_fingerprint": signer.fingerprint, "user_id": signer.user_id}
                       if signer else None),
        )
        if signer:
            say("sign")
            signing.sign(staging / manifest.MANIFEST, signer, staging / signing.SIGNATURE)
        sums.write_sums(staging)  # last: it lists the manifest and its signature too
        return publish(staging, out / name)
    except BaseException as exc:
        failed = _keep_failed(staging, out, name)
        note = f" The executed notebook and the kernel's log are kept in {failed}." if failed else ""
        if isinstance(exc, RegauditError):
            raise ReportFailed(f"{exc}{note}", failed) from exc
        if isinstance(exc, OSError):  # the disk filled up, the folder went read-only, ...
            raise ReportFailed(f"Report: {describe_os_error(exc, output=True)}{note}", failed) from exc
        raise


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
