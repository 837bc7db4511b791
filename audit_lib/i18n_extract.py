"""Every text of regaudit the catalog must hold, extracted with Babel; ``python -m audit_lib.i18n_extract``.

Babel's Python extractor reads the texts marked with ``N_``/``NC_``/``N_plural`` (words looked up
later) and ``T_``/``Tn_`` (messages filled in now and shown later: errors, the command line's result
lines, the audit's reasons for being incomplete) in audit_lib/**.py.
Extractors of its plug-in kind add what no marker can reach: :func:`extract_cli`, the help of
every command, option and argument of the command line (read from the command tree typer builds,
split as audit_lib/cli_language.py looks it up); :func:`extract_check_sql`, the words a check's SQL
gives as evidence that its message quotes (the string constants of the columns in
``EVIDENCE_WORDS``, read with sqlglot); and :func:`extract_framework`, the reasons a framework file
gives in English for a provision no check can test. Check titles, messages and remediations, and
the framework's titles, are not here: their files carry them in both languages.

Run as a module it merges the extracted texts into ``audit_lib/locale/fi/LC_MESSAGES/regaudit.po``
(Babel's update: a new text is added untranslated, a changed one marked fuzzy, a removed one dropped)
and lists what is left to translate; tests/test_i18n.py fails until nothing is.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any, Iterator

from audit_lib.i18n import DOMAIN, EVIDENCE, EVIDENCE_WORDS, FRAMEWORK, LANGUAGES, SOURCE_LANGUAGE, catalog_path

PACKAGE = Path(__file__).resolve().parent
KEYWORDS = {"N_": None, "NC_": ((1, "c"), 2), "N_plural": (1, 2), "ngettext": (1, 2), "T_": None, "Tn_": (1, 2)}
# First match wins (Babel's order): the CLI module, the checks' SQL, then every Python module.
METHODS = [
    ("cli.py", "audit_lib.i18n_extract:extract_cli"),
    ("checks/**.sql", "audit_lib.i18n_extract:extract_check_sql"),
    ("frameworks/*.yaml", "audit_lib.i18n_extract:extract_framework"),
    ("**.py", "python"),
]

Extracted = Iterator[tuple[int, Any, Any, list[str]]]


def extract_cli(fileobj: IO[bytes], keywords: dict, comment_tags: list[str], options: dict) -> Extracted:
    """Babel extractor for audit_lib/cli.py: its marked texts, then the help of the whole command tree."""
    import typer.main
    from babel.messages.extract import extract_python

    from audit_lib import cli
    from audit_lib.cli_language import tree_messages

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    text = source.decode("utf-8")
    for message in dict.fromkeys(tree_messages(typer.main.get_command(cli.app))):
        # The line of the message's first words, where the code writes them (1 if built elsewhere).
        where = text.find(message[:40].split("\n")[0])
        yield (text.count("\n", 0, where) + 1 if where >= 0 else 1), None, message, []


def extract_check_sql(fileobj: IO[bytes], keywords: dict, comment_tags: list[str], options: dict) -> Extracted:
    """Babel extractor for a check's SQL: the string constants of each column named in EVIDENCE_WORDS
    (a CASE's results, a COALESCE's fallback), in the evidence context."""
    import sqlglot
    from sqlglot import expressions as exp

    import re

    text = fileobj.read().decode("utf-8")
    body = text.split("---*/", 1)[-1]  # the header is YAML in a comment; the query follows it
    if not re.search(rf"\bAS\s+({'|'.join(EVIDENCE_WORDS)})\b", body, re.I):
        return
    offset = text.count("\n", 0, len(text) - len(body))
    dialect = "spark" if getattr(fileobj, "name", "").endswith(".spark.sql") else "duckdb"
    for statement in sqlglot.parse(body, read=dialect):
        if statement is None:
            continue
        for alias in statement.find_all(exp.Alias):
            if alias.alias not in EVIDENCE_WORDS:
                continue
            for literal in alias.this.find_all(exp.Literal):
                if not literal.is_string:
                    continue
                if _is_result(literal):
                    where = body.find(f"'{literal.this}'")
                    yield offset + body.count("\n", 0, max(where, 0)) + 1, "NC_", (EVIDENCE, literal.this), []


def extract_framework(fileobj: IO[bytes], keywords: dict, comment_tags: list[str], options: dict) -> Extracted:
    """Babel extractor for a framework file: the reason of each provision that cannot be tested from data,
    in the framework context (the report shows it after the provision's title)."""
    import yaml

    text = fileobj.read().decode("utf-8")
    for provision in (yaml.safe_load(text) or {}).get("provisions") or []:
        reason = provision.get("reason")
        if reason:
            where = text.find(f"id: {provision.get('id')}")
            yield text.count("\n", 0, max(where, 0)) + 1, "NC_", (FRAMEWORK, reason), []


def _is_result(literal: Any) -> bool:
    """True for a constant a column takes as its value, not one it is compared with or matched against."""
    from sqlglot import expressions as exp

    node, parent = literal, literal.parent
    while parent is not None and not isinstance(parent, exp.Alias):
        if isinstance(parent, exp.If) and node is parent.args.get("this"):
            return False  # WHEN <condition> THEN: the condition's constants are not results
        if isinstance(parent, (exp.Binary, exp.Func)) and not isinstance(parent, (exp.Coalesce, exp.Case, exp.If)):
            return False
        node, parent = parent, parent.parent
    return True


def extract_template() -> "Any":
    """A Babel catalog (the template: msgids only) of every text audit_lib shows, with where each is."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    template = Catalog(domain=DOMAIN, project="regaudit", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE), METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        template.add(message, None, [(f"audit_lib/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def read_catalog(lang: str) -> "Any":
    """The ``.po`` catalog of ``lang`` as Babel reads it (fuzzy flags kept)."""
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as po:
        return read_po(po, locale=lang, domain=DOMAIN)


def untranslated(catalog: Any, template: Any) -> list[str]:
    """Each text of ``template`` that ``catalog`` lacks, leaves empty or marks fuzzy, as 'msgctxt|msgid'."""
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        strings = found.string if found is not None else None
        empty = not strings or (isinstance(strings, tuple) and not all(strings))
        if found is None or empty or found.fuzzy:
            ident = message.id if isinstance(message.id, str) else message.id[0]
            missing.append(f"{message.context or ''}|{ident}")
    return missing


def update(lang: str = "fi") -> list[str]:
    """Merge the extracted texts into the ``.po`` of ``lang`` (written back); return what is untranslated."""
    from babel.messages.pofile import write_po

    template = extract_template()
    catalog = read_catalog(lang)
    created = catalog.creation_date  # the header keeps its date: an update changes only what changed
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
    catalog.creation_date = created
    catalog.obsolete.clear()  # a text the code no longer has is dropped, not kept as a comment
    path = catalog_path(lang)
    temporary = path.with_suffix(".po.tmp")
    with temporary.open("wb") as po:
        write_po(po, catalog, width=100, sort_output=False, include_previous=True)
    temporary.replace(path)
    return untranslated(catalog, template)


def main(argv: list[str]) -> int:
    """Update every catalog; print the texts still to translate; exit 1 while there are any."""
    left = 0
    for lang in (argv or [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]):
        missing = update(lang)
        for item in missing:
            print(f"{lang}: untranslated: {item}")
        left += len(missing)
        print(f"{catalog_path(lang)}: {len(missing)} text(s) to translate")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
