"""The command line's help in the user's language: every help text of the command tree from the catalog.

The language is ``$REGAUDIT_LANG`` (``en`` or ``fi``), else the first of gettext's locale variables
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``) that names one regaudit speaks, else English.
In Finnish the help of every command, group, option and argument is looked up paragraph by
paragraph (the rows of an exit-code table one by one, their code kept), and so are the words click
itself writes around them (Usage, Options, Commands, [OPTIONS], [default: …], [required]). Usage
errors are worded by audit_lib/cli_errors.py. English needs no lookup: nothing is loaded at start-up.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterator, Mapping

from audit_lib.i18n import LANGUAGES, N_, SOURCE_LANGUAGE, translate

ENV = "REGAUDIT_LANG"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# What click and typer write around the help texts (their msgids, as they pass them to gettext).
USAGE, ARGUMENTS, OPTIONS, COMMANDS = N_("Usage:"), N_("Arguments"), N_("Options"), N_("Commands")
HELP_OPTION = N_("Show this message and exit.")
# The usage line's placeholders (click's options_metavar and a group's subcommand_metavar).
OPTIONS_METAVAR, COMMAND_METAVAR = N_("[OPTIONS]"), N_("COMMAND [ARGS]...")
EXTRAS = {"default": N_("default: {default}"), "env var": N_("env var: {var}"), "required": N_("required")}
# An option's help as click writes it: the help, two spaces, then "[default: x; required]".
_EXTRA = re.compile(r"^(?P<help>.*?)(?:\s{2}|^)\[(?P<extra>[^\[\]]*)\]$", re.S)
# A row of a literal block (click's \b): its indent, a code ("0", "64"), the spacing, then the text.
_ROW = re.compile(r"^(?P<lead>\s*\S+\s+)(?P<text>\S.*)$")


class LanguageError(ValueError):
    """$REGAUDIT_LANG names a language regaudit does not speak."""


def cli_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the command line's help, from $REGAUDIT_LANG or the locale (see the module)."""
    environ = os.environ if environ is None else environ
    chosen = environ.get(ENV, "").strip()
    if chosen:
        if chosen not in LANGUAGES:
            raise LanguageError(f"{ENV}={chosen!r}: use {' or '.join(LANGUAGES)}")
        return chosen
    for variable in LOCALE_VARIABLES:
        value = environ.get(variable, "")
        if not value:
            continue
        # gettext takes the first variable that is set; LANGUAGE may list several ("fi:en").
        for name in value.split(":"):
            code = re.split(r"[_.@]", name, maxsplit=1)[0].lower()
            if code in LANGUAGES:
                return code
        return SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def help_messages(text: str | None) -> Iterator[str]:
    """The catalog's messages of a help text: each paragraph with its white space made single (click
    wraps it anew), and in a literal block (``\\b``) the text of each row."""
    for paragraph in (text or "").split("\n\n"):
        if paragraph.startswith("\b\n"):
            for line in paragraph[2:].split("\n"):
                row = _ROW.match(line)
                if row:
                    yield row["text"]
        elif paragraph.strip():
            yield " ".join(paragraph.split())


def translate_help(text: str | None, lang: str) -> str | None:
    """``text`` in ``lang``, paragraph by paragraph as :func:`help_messages` splits it."""
    if not text or lang == SOURCE_LANGUAGE:
        return text
    paragraphs = []
    for paragraph in text.split("\n\n"):
        if paragraph.startswith("\b\n"):
            lines = []
            for line in paragraph[2:].split("\n"):
                row = _ROW.match(line)
                lines.append(row["lead"] + translate(row["text"], lang) if row else line)
            paragraphs.append("\b\n" + "\n".join(lines))
        elif paragraph.strip():
            paragraphs.append(translate(" ".join(paragraph.split()), lang))
        else:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def walk(command: Any) -> Iterator[Any]:
    """``command`` and every command under it (a group's subcommands, depth first)."""
    yield command
    for sub in (getattr(command, "commands", None) or {}).values():
        yield from walk(sub)


def tree_messages(root: Any) -> Iterator[str]:
    """Every catalog message of the help of ``root`` (a click command) and the commands under it."""
    for command in walk(root):
        for text in (command.help, command.short_help):
            yield from help_messages(text)
        for param in command.params:
            yield from help_messages(getattr(param, "help", None))


def localise(root: Any, lang: str) -> None:
    """Put the help texts of ``root`` and every command under it into ``lang``, and have click write
    its own words around them in ``lang`` too (each command's contexts get a translating formatter)."""
    if lang == SOURCE_LANGUAGE:
        return
    for command in walk(root):
        command.help = translate_help(command.help, lang)
        command.short_help = translate_help(command.short_help, lang)
        for param in command.params:
            if getattr(param, "help", None):
                param.help = translate_help(param.help, lang)
        command.context_class = _context_class(command.context_class, lang)
        if getattr(command, "options_metavar", None) == "[OPTIONS]":
            command.options_metavar = translate(OPTIONS_METAVAR, lang)
        if getattr(command, "subcommand_metavar", None) == "COMMAND [ARGS]...":
            command.subcommand_metavar = translate(COMMAND_METAVAR, lang)


def _context_class(base: type, lang: str) -> type:
    """A subclass of the click context ``base`` whose help formatter writes click's words in ``lang``."""
    if getattr(base, "regaudit_lang", None) == lang:
        return base
    formatter = base.formatter_class

    class Formatter(formatter):  # type: ignore[misc, valid-type]
        """click's help formatter with its headings, usage prefix and option extras in ``lang``."""

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            """The usage line, its prefix in ``lang``."""
            super().write_usage(prog, args, prefix if prefix is not None else translate(USAGE, lang) + " ")

        def section(self, name: str):  # noqa: ANN201 - click's own context manager
            """A section (Options, Commands, Arguments) headed in ``lang``."""
            return super().section(translate(name, lang))

        def write_dl(self, rows: Any, *args: Any, **kwargs: Any) -> None:
            """Options and commands, the help option's text and the [default: …] extras in ``lang``."""
            super().write_dl([(term, _extras(text, lang)) for term, text in rows], *args, **kwargs)

    return type(f"{base.__name__}In{lang.upper()}", (base,), {"formatter_class": Formatter, "regaudit_lang": lang})


def _extras(text: str, lang: str) -> str:
    """An option's help with click's help-option text and its "[default: x; required]" in ``lang``."""
    if text == HELP_OPTION:
        return translate(HELP_OPTION, lang)
    match = _EXTRA.match(text or "")
    if not match:
        return text
    parts = []
    for part in match["extra"].split("; "):
        name, _, value = part.partition(": ")
        if name == "default":
            parts.append(translate(EXTRAS["default"], lang).format(default=value))
        elif name == "env var":
            parts.append(translate(EXTRAS["env var"], lang).format(var=value))
        elif part == "required":
            parts.append(translate(EXTRAS["required"], lang))
        else:
            parts.append(part)
    help_text = match["help"]
    return (f"{help_text}  " if help_text else "") + f"[{'; '.join(parts)}]"


__all__ = ["ENV", "LanguageError", "cli_language", "help_messages", "localise", "translate_help", "tree_messages"]
