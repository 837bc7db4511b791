"""Loading one or a few exports without a register: for the loader's tests and benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit_lib.declaration.exports import ExportMap
from audit_lib.loader import LoadReport, connect, load_exports


@dataclass
class MiniDeclaration:
    """The part of a Declaration the loader reads."""

    exports: ExportMap
    exports_dir: Path


def load(exports_dir: Path, exports: list[dict[str, Any]], timezone: str = "Europe/Helsinki",
         threads: int | None = None, **settings: Any) -> tuple[Any, LoadReport]:
    """Load ``exports`` (exports.yaml entries) from ``exports_dir``; return the connection and report."""
    mapping = ExportMap.model_validate({"exports": exports, **settings})
    con = connect(timezone=timezone, threads=threads)
    report = load_exports(con, MiniDeclaration(mapping, Path(exports_dir).resolve()))  # type: ignore[arg-type]
    return con, report


def quarantine(con) -> list[dict[str, Any]]:
    """The quarantine as dicts, ordered by file and row."""
    frame = con.execute("SELECT * FROM quarantine ORDER BY file, row").fetch_df()
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
