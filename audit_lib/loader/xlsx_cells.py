"""What calamine does not say about a sheet's cells, from the sheet's XML: formulas, saved values, errors.

python-calamine gives a formula cell's saved (cached) value, and an empty cell when none was saved
(files written by openpyxl and most other generators) or when the value is an error (``#DIV/0!``).
Both read as empty data. This module finds those cells: a quick byte scan of the sheet part first
(most sheets hold no formula and no error, and then nothing is parsed), otherwise one streamed
pass with an expat parser target that keeps nothing but those cells (linear time, little memory).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

# A formula element (any namespace prefix) or an error-typed cell (t="e"): (loose, strict) patterns.
_MARKERS = ((re.compile(rb"f[\s/>]"), re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")),
            (re.compile(rb"e[\"']"), re.compile(rb"\st\s*=\s*[\"']e[\"']")))
_BLOCK = 1 << 20
_OVERLAP = 64
_REFERENCE = re.compile(r"([A-Za-z]{1,3})(\d+)")


@dataclass(frozen=True)
class SpecialCell:
    """A formula cell or an error cell: its reference, formula text (without "="; None: no formula),
    whether a value was saved with it, and the error it holds."""

    reference: str
    formula: str | None
    saved: bool
    error: str | None


@dataclass
class SheetCells:
    """The special cells of one sheet by (sheet row, 0-based column), and whether the workbook asks to
    be recalculated when opened (then no saved formula value is final)."""

    cells: dict[tuple[int, int], SpecialCell] = field(default_factory=dict)
    recalculate_on_open: bool = False


class SheetNotFound(Exception):
    """The workbook's parts do not lead to the sheet (a damaged or unusual package)."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    """An attribute by local name, whatever its namespace (transitional and strict OOXML differ)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return None


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part (a path inside the package) of ``part``."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    targets = {}
    for element in ElementTree.fromstring(archive.read(rels)).iter():
        if _local(element.tag) == "Relationship" and element.get("Id") and element.get("Target"):
            target = element.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            targets[element.get("Id", "")] = path
    return targets


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> tuple[str, bool]:
    """The part holding sheet ``sheet_name`` and whether the workbook asks for recalculation on open."""
    root = ElementTree.fromstring(archive.read("_rels/.rels")) if "_rels/.rels" in archive.namelist() else None
    workbook = next((e.get("Target", "").lstrip("/") for e in (root.iter() if root is not None else [])
                     if _local(e.tag) == "Relationship" and (e.get("Type") or "").endswith("/officeDocument")),
                    "xl/workbook.xml")
    if workbook not in archive.namelist():
        raise SheetNotFound(f"no workbook part {workbook}")
    targets = _relationships(archive, workbook)
    sheet_target, recalculate = None, False
    for element in ElementTree.fromstring(archive.read(workbook)).iter():
        tag = _local(element.tag)
        if tag == "sheet" and element.get("name") == sheet_name:
            sheet_target = targets.get(_attribute(element, "id") or "")
        elif tag == "calcPr":
            recalculate = (element.get("fullCalcOnLoad") or "").lower() in ("1", "true")
    if sheet_target is None or sheet_target not in archive.namelist():
        raise SheetNotFound(f"no part for sheet {sheet_name!r}")
    return sheet_target, recalculate


def _has_markers(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the part holds a formula or an error cell at all (a byte scan, no XML parsing).

    Two loose patterns that the regular expression engine finds fast (their first byte is rare in
    sheet XML), each hit confirmed by the strict pattern over the bytes just before it.
    """
    tail = b""
    with archive.open(part) as stream:
        while block := stream.read(_BLOCK):
            buffer = tail + block
            for loose, strict in _MARKERS:
                for hit in loose.finditer(buffer):
                    if strict.search(buffer, max(0, hit.start() - _OVERLAP), hit.end()):
                        return True
            tail = block[-_OVERLAP:]
    return False


def _reference_position(reference: str | None) -> tuple[int, int] | None:
    """(sheet row, 0-based column) of a cell reference such as "E7"; None if there is none."""
    found = _REFERENCE.fullmatch(reference or "")
    if not found:
        return None
    column = 0
    for letter in found.group(1).upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(found.group(2)), column - 1


def column_name(column: int) -> str:
    """A 0-based column index as spreadsheet letters (0 -> A, 26 -> AA)."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def scan(path: Path, sheet_name: str) -> SheetCells:
    """The formula and error cells of sheet ``sheet_name`` of workbook ``path``.

    Raises SheetNotFound if the package does not lead to the sheet, zipfile.BadZipFile or
    ElementTree.ParseError if it is damaged.
    """
    with zipfile.ZipFile(path) as archive:
        part, recalculate = _sheet_part(archive, sheet_name)
        found = SheetCells(recalculate_on_open=recalculate)
        if not _has_markers(archive, part):
            return found
        # A parser target, not a tree: expat calls it per tag, and nothing of the sheet is kept
        # but the special cells.
        collector = _CellCollector(found.cells)
        parser = ElementTree.XMLParser(target=collector)
        with archive.open(part) as stream:
            while block := stream.read(_BLOCK):
                parser.feed(block)
        parser.close()
        return found


class _CellCollector:
    """An XMLParser target that keeps the formula and error cells of a sheet part."""

    def __init__(self, cells: dict[tuple[int, int], SpecialCell]) -> None:
        self.cells = cells
        self.names: dict[str, str] = {}  # tag -> local name: a sheet has a handful of tags, millions of times
        self.shared: dict[str, str] = {}
        self.row = 0
        # The last cell reference in the row and how many cells came since: a writer may leave
        # references out (the cell is then next to the previous one); parsed only for special cells.
        self.reference: str | None = None
        self.since = 0
        self.cell: dict[str, str] | None = None
        self.formula: dict[str, str] | None = None
        self.texts: dict[str, list[str]] = {}
        self.reading: str | None = None

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        """An element opens: a row, a cell, or a cell's formula, value or inline text."""
        name = self.names.get(tag) or self.names.setdefault(tag, _local(tag))
        if name == "c":
            reference = attrib.get("r")
            if reference is None:
                self.since += 1
            else:
                self.reference, self.since = reference, 0
            self.cell, self.formula, self.texts = attrib, None, {}
        elif name == "row":
            self.row, self.reference, self.since = int(attrib.get("r") or self.row + 1), None, 0
        elif self.cell is not None and name in ("f", "v", "is"):
            self.texts.setdefault(name, [])
            if name == "f":
                self.formula = attrib
            self.reading = name if name != "is" else None

    def data(self, text: str) -> None:
        """Text inside the formula or value being read."""
        if self.reading is not None:
            self.texts[self.reading].append(text)

    def end(self, tag: str) -> None:
        """An element closes; a cell is judged when it closes."""
        name = self.names.get(tag) or self.names.setdefault(tag, _local(tag))
        if name == "c" and self.cell is not None:
            if self.formula is not None or self.cell.get("t") == "e":
                found = _reference_position(self.reference)
                # Without a reference so far in the row, the cell is the row's since-th.
                row, column = (self.row, self.since - 1) if found is None else (found[0], found[1] + self.since)
                self.cells[(row, column)] = self._special(row, column)
            self.cell = None
        elif name in ("f", "v"):
            self.reading = None

    def close(self) -> None:
        """The end of the part (nothing to finish)."""

    def _special(self, row: int, column: int) -> SpecialCell:
        assert self.cell is not None
        kind = self.cell.get("t", "n")
        text = None
        if self.formula is not None:
            text = "".join(self.texts.get("f", []))
            index = self.formula.get("si")
            if self.formula.get("t") == "shared" and index is not None:
                # The first cell of a shared formula holds its text; the others point to it.
                text = self.shared.setdefault(index, text) if text else self.shared.get(index, "")
        value = "".join(self.texts["v"]) if "v" in self.texts else None
        # A text result may be saved empty (=IF(A1="";"";A1)); an empty <v/> of any other type saved nothing.
        saved = "is" in self.texts or (value is not None and (value != "" or kind == "str"))
        return SpecialCell(reference=f"{column_name(column)}{row}", formula=text, saved=saved,
                           error=value if kind == "e" else None)
