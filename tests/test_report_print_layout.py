"""The report as Chromium prints it: every table cell fits its column on an A4 page, and short words stay whole.

The session's report of the bundled sample (conftest.sample_report) is opened in the system Chromium
with print media and the printable width of the PDF's page (A4 less pdf.PAGE's margins), as
audit_lib/report/pdf.py prints it. A cell whose content is wider than the cell (a heading word that
cannot break, a value that does not wrap) spills over its neighbour on paper; a heading's word or a
one-word value split across two lines ("mediu" / "m" in a severity column too narrow for it) is
unreadable. (Ids, paths and messages in narrow columns break inside their words by design.) The test
names each.
"""

from __future__ import annotations

from audit_lib.report.pdf import PAGE

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


def test_every_table_cell_fits_its_column_and_short_words_stay_whole_on_the_printed_page(sample_report, page):
    width = round((PAGE["paperWidth"] - PAGE["marginLeft"] - PAGE["marginRight"]) * CSS_PX_PER_INCH)
    page.set_viewport_size({"width": width, "height": 1100})
    page.emulate_media(media="print")
    page.goto((sample_report.folder / "report.html").resolve().as_uri())
    layout = page.evaluate(_OVERFLOWING)
    # The findings tables name the zone of their event times: the longest heading word of the report.
    assert any(h.startswith("Event time (") and "/" in h for h in layout["headings"]), layout["headings"]
    assert layout["measured"] > 100
    assert layout["wide"] == [], layout["wide"]
    assert layout["split"] == [], "\n".join(sorted({f"{s['table']}: {s['word']}" for s in layout["split"]}))
