"""regaudit's one store of words in English and Finnish: gettext catalogs, English the source language.

Every text a person reads (the report, the Art. 30 record, the explore notebook, the command line's
help) is written in English in the code, marked with :func:`N_` (or :func:`NC_` with a context where
one English text has two Finnish ones), and looked up here in the catalog of the language asked for:
``audit_lib/locale/<lang>/LC_MESSAGES/regaudit.po``. English needs no catalog: the text is its own
translation. The ``.po`` file is compiled in memory at first use (Babel reads it, the standard
library's gettext looks texts up), so the package carries only the text catalog and no compiled
copy that could fall behind it. A fuzzy or empty entry counts as untranslated here as in gettext:
the English text is shown; tests/test_i18n.py fails on every such entry.

A message made at one time and shown later, perhaps in another language (an error, a result line of
the command line, a reason the audit is incomplete), is a :class:`Text`: ``T_("cannot read {path}",
path=p)`` (or :func:`Tn_` with a count) marks the template for the catalog and gives the English text
filled in, which is what ``str()``, logs, JSON and audit.json hold. :func:`localise` shows it in
another language, its values localised in turn; the command line shows it in the language of its
help (audit_lib/cli_language.py).

``python -m audit_lib.i18n_extract`` brings the catalog up to date with the code (audit_lib/i18n_extract.py).
"""

from __future__ import annotations

import functools
import gettext as _gettext
from pathlib import Path
from typing import Callable

from audit_lib.vocabulary import LANGUAGES  # re-exported: the languages regaudit speaks

DOMAIN = "regaudit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"
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


class Text(str):
    """An English text filled in from a marked template, that :meth:`in_language` shows in another language.

    It is a ``str`` (the English text) wherever a text is expected. Its values stay as given, so that a
    template's format specs (``{share:.0%}``) and conversions (``{name!r}``) apply in every language;
    a value that is itself a Text (or has ``in_language``) is shown in the same language.
    """

    template: str
    plural: str | None
    n: int | None
    values: dict[str, object]

    def __new__(cls, template: str, values: dict[str, object] | None = None, plural: str | None = None,
                n: int | None = None) -> "Text":
        values = dict(values or {})
        chosen = template if plural is None or n == 1 else plural
        made = super().__new__(cls, chosen.format(**values) if values else chosen)
        made.template, made.plural, made.values, made.n = template, plural, values, n
        return made

    def __reduce__(self):  # noqa: ANN204 - pickle and copy rebuild it from its template, not from its text
        """Rebuild from the template and values (``str``'s own pickling would lose them)."""
        return (Text, (self.template, self.values, self.plural, self.n))

    def in_language(self, lang: str) -> str:
        """This text in ``lang``, its values shown in ``lang`` too."""
        if lang == SOURCE_LANGUAGE and not any(hasattr(v, "in_language") for v in self.values.values()):
            return str(self)
        if self.plural is None:
            chosen = translate(self.template, lang)
        else:
            chosen = ngettext(self.template, self.plural, int(self.n or 0), lang)
        values = {name: localise(value, lang) for name, value in self.values.items()}
        try:
            return chosen.format(**values) if values else chosen
        except (KeyError, IndexError, ValueError):  # a translation that lost a placeholder: the English
            return str(self)  # tests/test_i18n.py holds every translation to its English placeholders


class Joined(str):
    """Texts joined by a separator, each after ``prefix`` (the indented lines of a list of problems), each
    shown in the language asked for: how messages are put together without a template of their own."""

    def __new__(cls, separator: str, parts: "list[object]", prefix: str = "") -> "Joined":
        made = super().__new__(cls, separator.join(f"{prefix}{part}" for part in parts))
        made.separator, made.parts, made.prefix = separator, list(parts), prefix
        return made

    def __reduce__(self):  # noqa: ANN204 - see Text.__reduce__
        """Rebuild from the separator, parts and prefix."""
        return (Joined, (self.separator, self.parts, self.prefix))

    def in_language(self, lang: str) -> str:
        """Each part in ``lang``, joined (by the separator in ``lang`` too, when it is a Text: " and ")."""
        separator = str(localise(self.separator, lang))
        return separator.join(f"{self.prefix}{localise(part, lang)}" for part in self.parts)


def T_(message: str, /, **values: object) -> Text:
    """Mark ``message`` (a template with ``{placeholders}``) for the catalog, and fill it in: a :class:`Text`."""
    return Text(message, values)


def Tn_(singular: str, plural: str, n: int, /, **values: object) -> Text:
    """As :func:`T_` for a text with a count: the singular when ``n`` is 1, else the plural (in each language)."""
    return Text(singular, values, plural=plural, n=n)


def localise(value: object, lang: str) -> object:
    """``value`` in ``lang`` when it is a :class:`Text` (or anything with ``in_language``: an error of
    audit_lib/errors.py); any other value as it is."""
    shown = getattr(value, "in_language", None)
    return shown(lang) if callable(shown) and not isinstance(value, type) else value


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


__all__ = ["DOMAIN", "EVIDENCE", "EVIDENCE_WORDS", "FRAMEWORK", "Joined", "LANGUAGES", "LOCALE_DIR", "Message", "NC_",
           "N_", "N_plural", "SOURCE_LANGUAGE", "T_", "Text", "Tn_", "catalog_path", "gettext", "language", "localise",
           "ngettext", "translate", "translations"]
