"""Usage errors of the command line in the user's language: the words typer's click writes about a mistake.

typer (0.29) carries its own copy of click, whose usage errors are English f-strings, with no gettext
to hook: "No such option: --x (Possible options: --out)", "Missing option '--exports'.", and the
"Try 'regaudit check --help' for help." and "Error:" around them. In Finnish regaudit writes the
error itself: the exception's English message is matched against the sentences typer writes (each
pattern below) and worded from the catalog with the same values; a sentence no pattern knows stays as
typer wrote it, inside the translated frame. tests/test_cli_errors.py provokes each of them in
Finnish and fails on any English word left.
"""

from __future__ import annotations

import re
import sys
from typing import Any, Callable

from audit_lib.i18n import N_, SOURCE_LANGUAGE, translate

ERROR = N_("Error: {message}")
TRY_HELP = N_("Try '{command} {option}' for help.")
_PARAMETER_KINDS = {"option": N_("option"), "argument": N_("argument"), "parameter": N_("parameter")}

# (the English sentence as typer writes it, its msgid); the groups are the msgid's fields.
_SENTENCES: list[tuple[re.Pattern[str], str]] = [(re.compile(pattern, re.S), msgid) for pattern, msgid in (
    (r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.+)\)",
     N_("No such option: {name} (possible options: {options})")),
    (r"No such option: (?P<name>\S+)", N_("No such option: {name}")),
    (r"No such command '(?P<name>.+)'\.", N_("No such command '{name}'.")),
    (r"Missing command\.", N_("Missing command.")),
    (r"Missing (?P<kind>option|argument|parameter) (?P<hint>.+?)\.", N_("Missing {kind} {hint}.")),
    (r"Got unexpected extra arguments? \((?P<args>.*)\)", N_("Unexpected extra argument(s): {args}")),
    (r"Option '(?P<name>[^']+)' requires an argument\.", N_("Option '{name}' needs a value.")),
    (r"Option '(?P<name>[^']+)' requires (?P<count>\d+) arguments\.", N_("Option '{name}' needs {count} values.")),
    (r"Option '(?P<name>[^']+)' does not take a value\.", N_("Option '{name}' takes no value.")),
    (r"Invalid value for (?P<hint>.+?): (?P<message>.*)", N_("Invalid value for {hint}: {message}")),
    (r"Invalid value: (?P<message>.*)", N_("Invalid value: {message}")),
    (r"Value '(?P<value>.*)' is not a valid (?P<label>\w+)\.", N_("'{value}' is not a valid {label}.")),
    (r"'(?P<value>.*)' is not one of (?P<choices>.+)\.", N_("'{value}' is not one of {choices}.")),
    (r"(?P<label>File|Directory|Path) '(?P<path>.*)' does not exist\.", N_("{label} '{path}' does not exist.")),
)]
_LABELS = {"File": N_("File"), "Directory": N_("Directory"), "Path": N_("Path"), "integer": N_("integer"),
           "float": N_("decimal number"), "boolean": N_("truth value")}


def sentence(message: str, lang: str) -> str:
    """``message`` (English, as typer wrote it) in ``lang``: the first pattern it matches, worded from the
    catalog (an inner message translated the same way), else the message as it is."""
    if lang == SOURCE_LANGUAGE:
        return message
    for pattern, msgid in _SENTENCES:
        found = pattern.fullmatch(message.strip())
        if found is None:
            continue
        fields = {name: value for name, value in found.groupdict().items() if value is not None}
        if "message" in fields:
            fields["message"] = sentence(fields["message"], lang)
        if "kind" in fields:
            fields["kind"] = translate(_PARAMETER_KINDS[fields["kind"]], lang)
        if fields.get("label") in _LABELS:
            fields["label"] = translate(_LABELS[fields["label"]], lang)
        return translate(msgid, lang).format(**fields)
    return message


def localised_show(exc: Any, lang: str) -> Callable[..., None]:
    """A ``show`` for the usage error ``exc`` writing its usage line, hint and message in ``lang``, as
    typer's own ``UsageError.show`` lays them out."""
    from typer import echo

    def show(file: Any = None) -> None:
        target = file if file is not None else sys.stderr
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                hint = translate(TRY_HELP, lang).format(command=ctx.command_path,
                                                        option=ctx.help_option_names[0]) + "\n"
            echo(f"{ctx.get_usage()}\n{hint}", file=target, color=ctx.color)
        echo(translate(ERROR, lang).format(message=sentence(exc.format_message(), lang)), file=target,
             color=getattr(ctx, "color", None))
    return show


def localise_usage_error(exc: Any, lang: str) -> None:
    """Have typer show the usage error ``exc`` in ``lang`` (a bare ``regaudit``, which shows the help,
    keeps its own ``show``)."""
    if lang == SOURCE_LANGUAGE or type(exc).__name__ == "NoArgsIsHelpError":
        return
    exc.show = localised_show(exc, lang)


__all__ = ["ERROR", "TRY_HELP", "localise_usage_error", "localised_show", "sentence"]
