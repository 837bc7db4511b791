"""XLSX exports as a Source: cell values through python-calamine, formulas and errors from the sheet's XML.

Every cell reaches the loader as text, which it casts and quarantines like any CSV value, except:

- a column whose cells are all numbers, some with a fraction, is a DOUBLE column: a number cell is
  a number, so 1.234 is one and a quarter (never a thousands-separated 1234) and 12.345 is
  quarantined as an amount with too many decimals. In other columns a number is written with the
  export's decimal separator (a ',' export sees 1,5, as its spreadsheet showed it);
- a formula cell is read as the value saved with it, and counted in ``detected["formulas"]``; one
  without a saved value (or whose workbook asks to be recalculated when opened, so the saved value
  is not final) is set aside as ``formula_without_value``, and a cell holding an error value
  (``#DIV/0!``, ``#N/A``) as ``cell_error``: calamine would give both as empty cells, which is what
  they are not.

Rows are numbered as data rows (1 = the first row after the header, empty sheet rows counted) and
lines as sheet rows.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.errors import LoadError
from audit_lib.i18n import T_
from audit_lib.loader import xlsx_cells
from audit_lib.loader.headers import dedupe_header
from audit_lib.loader.readers import FILE_COLUMN, LINE_COLUMN, ROW_COLUMN, Reject, Source
from audit_lib.sql import ident
from audit_lib.vocabulary import QuarantineReason

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration.exports import Export
    from audit_lib.loader.casting import NativeCast

FORMULA_WITHOUT_VALUE = QuarantineReason.FORMULA_WITHOUT_VALUE
CELL_ERROR = QuarantineReason.CELL_ERROR


def xlsx_source(con: "duckdb.DuckDBPyConnection", export: "Export", files: list[Path], names: list[str],
                native: dict[str, "NativeCast"], key: str) -> Source:
    """A Source over the XLSX ``files`` (one sheet each, the same header), registered as a view on ``con``."""
    import pandas as pd

    skip = export.options.skip_rows or 0
    decimal_separator = export.options.decimal_separator
    columns: list[str] | None = None
    sheets, detected, rejects = [], {}, []
    for path, name in zip(files, names):
        sheet_name, rows, special = _read_sheet(path, name, export.options.sheet)
        rows = rows[skip:]
        if not rows:
            raise LoadError(name, T_("sheet {sheet!r} is empty", sheet=sheet_name))
        header, renamed = dedupe_header([cell_text(h, None) or "" for h in rows[0]])
        if columns is None:
            columns = header
        elif header != columns:
            raise LoadError(name, T_("its header {header} differs from the first file's {columns}", header=header,
                                     columns=columns))
        body, numbers, used = _body(name, header, rows, special, skip, decimal_separator, rejects)
        sheets.append((name, body, numbers))
        detected[name] = ({"sheet": sheet_name, "skip_rows": skip} | ({"renamed_columns": renamed} if renamed else {})
                          | used)
    assert columns is not None
    numeric = _number_columns(columns, [body for _, body, _ in sheets])
    frames = []
    for name, body, numbers in sheets:
        frame = pd.DataFrame({column: _column(body, index, column in numeric, decimal_separator)
                              for index, column in enumerate(columns)})
        frame[FILE_COLUMN] = name
        frame[ROW_COLUMN] = pd.Series(numbers, dtype="int64")
        frame[LINE_COLUMN] = frame[ROW_COLUMN] + 1 + skip
        frames.append(frame)
    view = f"xlsx_{key}"
    con.register(view, pd.concat(frames, ignore_index=True))
    select = ", ".join(ident(c) for c in columns)
    sql = f"SELECT {select}, {ident(FILE_COLUMN)}, {ident(ROW_COLUMN)}, {ident(LINE_COLUMN)} FROM {ident(view)}"

    def collect(con: "duckdb.DuckDBPyConnection") -> list[Reject]:
        con.unregister(view)
        return rejects

    return Source(parts=[(sql, {})], files=files, names=names, columns=columns,
                  types={c: "DOUBLE" if c in numeric else "VARCHAR" for c in columns}, detected=detected,
                  row_provided=True, header_lines={n: 1 for n in names}, _collect=collect)


def _read_sheet(path: Path, name: str, sheet: str | None) -> tuple[str, list[list], xlsx_cells.SheetCells]:
    """The sheet's name, its rows from sheet row 1 (calamine's values) and its formula and error cells."""
    import zipfile
    from xml.etree.ElementTree import ParseError

    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet_name = sheet or workbook.sheet_names[0]
        rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types, and ValueError or OSError
        raise LoadError(name, T_("cannot be read as {format}: {error}", format="XLSX", error=exc)) from exc
    try:
        special = xlsx_cells.scan(path, sheet_name)
    except (xlsx_cells.SheetNotFound, zipfile.BadZipFile, ParseError, KeyError) as exc:
        raise LoadError(name, T_("cannot be read as XLSX: its formulas cannot be told from its XML ({error}); save it "
                                 "again as .xlsx from a spreadsheet program", error=exc)) from exc
    return sheet_name, rows, special


def _body(name: str, header: list[str], rows: list[list], special: xlsx_cells.SheetCells, skip: int,
          decimal_separator: str | None, rejects: list[Reject]) -> tuple[list[list], list[int], dict]:
    """The data rows as calamine's values (cut to the header) and their numbers; rows with a formula
    without a value or an error go to ``rejects``. Also what ``detected`` records of the formulas."""
    width = len(header)
    by_row: dict[int, list[tuple[int, xlsx_cells.SpecialCell]]] = {}
    for (sheet_row, column), cell in sorted(special.cells.items()):
        if sheet_row > skip + 1 and column < width:
            by_row.setdefault(sheet_row, []).append((column, cell))
    body, numbers = [], []
    formula_columns: set[str] = set()
    formulas = unsaved = errors = 0
    # Sheet rows past calamine's range may still hold a formula without a value (its range ends at
    # the last cell with one).
    last = max([len(rows) + skip] + list(by_row))
    for sheet_row in range(skip + 2, last + 1):
        values = list(rows[sheet_row - skip - 1]) if sheet_row - skip - 1 < len(rows) else []
        values = (values + [None] * width)[:width]
        number = sheet_row - skip - 1
        problem = None
        for column, cell in by_row.get(sheet_row, []):
            if cell.formula is not None:
                formulas += 1
                formula_columns.add(header[column])
            failing = _problem(cell, header[column], special.recalculate_on_open)
            if failing is not None:
                unsaved += failing[0] == FORMULA_WITHOUT_VALUE
                errors += failing[0] == CELL_ERROR
                problem = problem or (column, cell, failing)
        if problem is not None:
            column, cell, (code, reason) = problem
            raw = {h: cell_text(v, decimal_separator) for h, v in zip(header, values)}
            raw[header[column]] = cell.error or (f"={cell.formula}" if cell.formula is not None else None)
            rejects.append(Reject(file=name, row=number, line=sheet_row, code=code, reason=reason,
                                  raw=json.dumps(raw, ensure_ascii=False, default=str), column=header[column],
                                  value=f"{header[column]}: {raw[header[column]]}"))
        elif any(v not in ("", None) for v in values):
            body.append(values)
            numbers.append(number)
    used: dict[str, object] = {}
    if formulas:
        used["formulas"] = {"cells": formulas, "columns": sorted(formula_columns), "without_value": unsaved,
                            "recalculate_on_open": special.recalculate_on_open}
    if errors:
        used["error_cells"] = errors
    return body, numbers, used


def _problem(cell: xlsx_cells.SpecialCell, column: str, recalculate: bool) -> tuple[str, str] | None:
    """(code, reason) if ``cell`` gives no value the loader can take, else None. The reason names the
    cell, not its formula (which may hold personal data): the formula goes to the row's ``value``."""
    if cell.error is not None or cell.formula is None:
        return CELL_ERROR, (f"cell {cell.reference} in column {column} holds the spreadsheet error "
                            f"{cell.error or '(unnamed)'}; correct it in the workbook")
    if not cell.saved:
        return FORMULA_WITHOUT_VALUE, (
            f"the formula in column {column} (cell {cell.reference}) has no value saved in the file, so "
            "what the cell holds is unknown; open and save the workbook in a spreadsheet program, or export values")
    if recalculate:
        return FORMULA_WITHOUT_VALUE, (
            f"the formula in column {column} (cell {cell.reference}): the workbook asks to be "
            "recalculated when opened (fullCalcOnLoad), so the value saved with it is not the formula's; open and "
            "save the workbook in a spreadsheet program, or export values")
    return None


def _number_columns(columns: list[str], bodies: list[list[list]]) -> set[str]:
    """Columns whose every non-empty cell is a number and at least one has a fraction (read as DOUBLE)."""
    numeric = set()
    for index, column in enumerate(columns):
        values = [row[index] for body in bodies for row in body if row[index] not in ("", None)]
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values) and \
                any(isinstance(v, float) and not v.is_integer() for v in values):
            numeric.add(column)
    return numeric


def _column(body: list[list], index: int, numeric: bool, decimal_separator: str | None):
    """One frame column: numbers (nullable DOUBLE) or text."""
    import pandas as pd

    if numeric:
        return pd.array([None if row[index] in ("", None) else float(row[index]) for row in body], dtype="Float64")
    return pd.Series([cell_text(row[index], decimal_separator) for row in body], dtype="object")


def cell_text(value: object, decimal_separator: str | None) -> str | None:
    """A cell value as the text the loader casts: dates in ISO form, whole numbers without ".0", other
    numbers with the export's decimal separator ('.' when it declares none)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and not isinstance(value, bool):
        if value.is_integer():
            return str(int(value))
        text = repr(value)
        # Exponent notation ("1e-05") is machine notation, read with '.' whatever the export declares.
        return text.replace(".", ",") if decimal_separator == "," and "e" not in text else text
    return str(value)
