"""The report as Chromium prints it: every table cell fits its column on an A4 page, and short words stay whole.

The session's report of the bundled sample (conftest.sample_report), and the same report in Finnish (whose
words are longer), are opened in the system Chromium
with print media and the printable width of the PDF's page (A4 less pdf.PAGE's margins), as
audit_lib/report/pdf.py prints it. A cell whose content is wider than the cell (a heading word that
cannot break, a value that does not wrap) spills over its neighbour on paper; a heading's word or a
one-word value split across two lines ("mediu" / "m" in a severity column too narrow for it) is
unreadable. (Ids, paths and messages in narrow columns break inside their words by design.) The test
names each.
"""

from __future__ import annotations

import shutil

import pytest

from audit_lib.report.pdf import PAGE
from reportkit import PERIOD, REPORT_KEY, SAMPLE

CSS_PX_PER_INCH = 96
# Words (runs of letters) up to this long, in a heading or as a whole value (a severity, a kind of finding),
# must never be split; longer ones may break to fit.
SHORT_WORD = 12

# Cells whose content is wider than the cell, with what they hold; and how many cells were measured.
_OVERFLOWING = """() => {
  const cells = Array.from(document.querySelectorAll('table.ra-table th, table.ra-table td'));
  const wide = cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => ({
    table: cell.closest('table').className, text: cell.textContent.trim().slice(0, 80),
    content: cell.scrollWidth, cell: cell.clientWidth}));
  const headings = cells.filter((cell) => cell.closest('thead')).map((cell) => cell.textContent.trim());
  // A word drawn on more than one line has client rectangles at more than one height. Checked: every
  // word of a heading, and a value that is one word (a severity, a kind, a status); ids, paths and
  // messages in a narrow column may break inside their words.
  const split = [];
  for (const cell of cells) {
    const whole = cell.textContent.trim();
    const heading = cell.tagName === 'TH' && cell.closest('thead') !== null;
    if (!heading && !/^\p{L}+$/u.test(whole)) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.textContent.matchAll(/\p{L}+/gu)) {
        if (word[0].length > %d) continue;
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        if (lines.size > 1) split.push({table: cell.closest('table').className, word: word[0]});
      }
    }
  }
  return {measured: cells.length, headings, wide, split};
}""" % SHORT_WORD


@pytest.fixture(scope="module")
def finnish_report(tmp_path_factory):
    """The bundled sample's report in Finnish (HTML only): its words are the longest ("tarkistettava")."""
    from audit_lib.report.pipeline import run_report

    root = tmp_path_factory.mktemp("finnish-report")
    shutil.copytree(SAMPLE, root / "sample")
    (root / "pseudonym.key").write_text(REPORT_KEY + "\n", encoding="utf-8")
    return run_report(None, root / "sample" / "exports.yaml", PERIOD, root / "reports", lang="fi", pdf=False,
                      pseudonym_key_file=root / "pseudonym.key") / "report.html"


def _printed_layout(page, html) -> dict:
    width = round((PAGE["paperWidth"] - PAGE["marginLeft"] - PAGE["marginRight"]) * CSS_PX_PER_INCH)
    page.set_viewport_size({"width": width, "height": 1100})
    page.emulate_media(media="print")
    page.goto(html.resolve().as_uri())
    return page.evaluate(_OVERFLOWING)


def _assert_fits(layout: dict) -> None:
    assert layout["measured"] > 100
    assert layout["wide"] == [], layout["wide"]
    assert layout["split"] == [], "\n".join(sorted({f"{s['table']}: {s['word']}" for s in layout["split"]}))


def test_every_table_cell_fits_its_column_and_short_words_stay_whole_on_the_printed_page(sample_report, page):
    layout = _printed_layout(page, sample_report.folder / "report.html")
    # The findings tables name the zone of their event times: the longest heading word of the report.
    assert any(h.startswith("Event time (") and "/" in h for h in layout["headings"]), layout["headings"]
    _assert_fits(layout)


@pytest.mark.slow
def test_the_finnish_report_fits_its_columns_too(finnish_report, page):
    layout = _printed_layout(page, finnish_report)
    assert any(h.startswith("Tapahtuma-aika (") for h in layout["headings"]), layout["headings"]
    _assert_fits(layout)

