"""regaudit's one store of words in English and Finnish: gettext catalogs, English the source language.

Every text a person reads (the report, the Art. 30 record, the explore notebook, the command line's
help) is written in English in the code, marked with :func:`N_` (or :func:`NC_` with a context where
one English text has two Finnish ones), and looked up here in the catalog of the language asked for:
``audit_lib/locale/<lang>/LC_MESSAGES/regaudit.po``. English needs no catalog: the text is its own
translation. The ``.po`` file is compiled in memory at first use (Babel reads it, the standard
library's gettext looks texts up), so the package carries only the text catalog and no compiled
copy that could fall behind it. A fuzzy or empty entry counts as untranslated here as in gettext:
the English text is shown; tests/test_i18n.py fails on every such entry.

``python -m audit_lib.i18n_extract`` brings the catalog up to date with the code (audit_lib/i18n_extract.py).
"""

from __future__ import annotations

import functools
import gettext as _gettext
from pathlib import Path
from typing import Callable

DOMAIN = "regaudit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "fi")
# The context of a word a check gives as evidence and its message quotes ("no @ sign"): the field
# names whose values are such words are EVIDENCE_WORDS (audit_lib/findings.py translates them).
EVIDENCE = "evidence"
EVIDENCE_WORDS = ("problem",)
# The context of the reasons and notes the framework file (audit_lib/frameworks/*.yaml) states in English.
FRAMEWORK = "framework"


class Message(str):
    """An English text with the context that tells it from the same text meaning something else."""

    context: str | None = None

    def __new__(cls, message: str, context: str | None = None) -> "Message":
        made = super().__new__(cls, message)
        made.context = context
        return made


def N_(message: str) -> str:
    """Mark ``message`` for the catalog and return it as it is (the lookup comes later, in a language)."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a text with a count for the catalog, as its singular and plural (:func:`ngettext` picks one)."""
    return singular, plural


def NC_(context: str, message: str) -> Message:
    """Mark ``message`` for the catalog with ``context`` (gettext's msgctxt); the text is still ``message``."""
    return Message(message, context)


def catalog_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The translations of ``lang`` ("en": none needed); ValueError for a language regaudit does not speak."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: use {' or '.join(LANGUAGES)}")
    if lang == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is a guess nobody has checked
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def translate(message: str, lang: str, context: str | None = None) -> str:
    """``message`` (English, as marked) in ``lang``; its own context (:func:`NC_`) unless ``context`` is given.

    A text the catalog lacks stays English, as gettext leaves it: tests/test_i18n.py makes sure no
    text marked in the code is missing."""
    context = context or getattr(message, "context", None)
    found = translations(lang)
    return str(found.pgettext(context, message) if context else found.gettext(message))


def gettext(lang: str) -> Callable[..., str]:
    """A ``_`` for ``lang``: ``_(message, **values)`` translates ``message`` and fills its ``{placeholders}``."""
    def _(message: str, **values: object) -> str:
        text = translate(message, lang)
        return text.format(**values) if values else text
    return _


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """The singular or plural of a text with a count, in ``lang`` (Finnish and English alike: one or other)."""
    return str(translations(lang).ngettext(singular, plural, n))


def language(lang: str | None) -> str:
    """``lang`` if regaudit speaks it, else the source language (for words of a lang given as data)."""
    return lang if lang in LANGUAGES else SOURCE_LANGUAGE


__all__ = ["DOMAIN", "EVIDENCE", "EVIDENCE_WORDS", "FRAMEWORK", "LANGUAGES", "LOCALE_DIR", "Message", "NC_", "N_",
           "N_plural", "SOURCE_LANGUAGE", "catalog_path", "gettext", "language", "ngettext", "translate",
           "translations"]
