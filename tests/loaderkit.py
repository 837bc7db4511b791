"""Loading one or a few exports with the bundled sample's register: for the loader's tests and benchmark."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from audit_lib.declaration import Register, load_register
from audit_lib.declaration.exports import ExportMap
from audit_lib.loader import LoadReport, connect, load_exports

SAMPLE_REGISTER = Path(__file__).resolve().parent.parent / "data_samples" / "hyvinvoivin" / "register.yaml"


@lru_cache(maxsize=1)
def sample_register() -> Register:
    """The bundled sample's register.yaml (its subject types and identifiers are what the loader reads)."""
    return load_register(SAMPLE_REGISTER)[0]


@dataclass
class MiniDeclaration:
    """The part of a Declaration the loader reads."""

    exports: ExportMap
    exports_dir: Path
    register: Register = field(default_factory=sample_register)


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
