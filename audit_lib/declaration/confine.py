"""The paths exports.yaml names stay inside its own folder, unless the person running regaudit allows more.

exports.yaml may come from someone else (a vendor, a colleague, an attacker). What it names is read
into the audit, and what is read may reach the quarantine and the report. So every path it names
(``exports_dir``, and the ``register`` file when regaudit reads the one it names) is resolved, with
every symbolic link followed, and must lie inside the folder of exports.yaml. A folder elsewhere is
allowed only by the person running regaudit (``--allow-outside PATH`` or $REGAUDIT_ALLOW_OUTSIDE),
never by the file itself. The export files inside ``exports_dir`` are confined to it by
``audit_lib.loader.readers.resolve_files``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from audit_lib.errors import Problem
from audit_lib.i18n import T_

ALLOW_OUTSIDE_ENV = "REGAUDIT_ALLOW_OUTSIDE"
ALLOW_OUTSIDE_OPTION = "--allow-outside"

AllowOutside = Iterable[str | os.PathLike] | None


def resolved(path: Path) -> Path | None:
    """``path`` made absolute with every symbolic link followed; None if it cannot be (a link loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # Python 3.11 raises RuntimeError for a link loop
        return None


def allowed_folders(exports_yaml: Path, allow_outside: AllowOutside = None) -> tuple[Path, ...]:
    """The folder of ``exports_yaml``, then each folder (or file) the person running regaudit allowed.

    ``allow_outside`` None reads $REGAUDIT_ALLOW_OUTSIDE (paths separated by ``os.pathsep``).
    """
    if allow_outside is None:
        allow_outside = [part for part in os.environ.get(ALLOW_OUTSIDE_ENV, "").split(os.pathsep) if part.strip()]
    folders = [resolved(exports_yaml.parent) or exports_yaml.parent.absolute()]
    for allowed in allow_outside:
        folder = resolved(Path(allowed).expanduser())
        if folder is not None:
            folders.append(folder)
    return tuple(dict.fromkeys(folders))


def outside_problems(exports_yaml: Path, named: dict[str, str], folders: tuple[Path, ...],
                     line_of: Callable[[tuple[str]], int | None]) -> list[Problem]:
    """A Problem for every path of ``named`` (key of exports.yaml -> the path it gives, relative to its
    folder) that resolves outside all ``folders``; ``line_of`` gives the line of a key."""
    problems = []
    for key, value in named.items():
        real = resolved(exports_yaml.parent / value)
        if real is None:
            problems.append(Problem(str(exports_yaml), key, T_("{path!r} cannot be resolved (a symbolic link that "
                                                               "points to itself)", path=value), line=line_of((key,)),
                                    fix=T_("correct {key}, or the link it goes through", key=key)))
        elif not any(real.is_relative_to(folder) for folder in folders):
            # The folder to allow: exports_dir itself, or the folder holding the register file.
            allow = real if key == "exports_dir" else real.parent
            problems.append(Problem(
                str(exports_yaml), key, T_("{path!r} resolves to {real}, which is outside {folder}, the folder of "
                                           "{name}; the paths {name} names are read only inside its own folder",
                                           path=value, real=real, folder=folders[0], name=exports_yaml.name),
                line=line_of((key,)),
                fix=T_("move it inside {folder}; or, if you trust this {name}, allow the folder when you run "
                       "regaudit: {option} {allow} (or {variable}={allow})", folder=folders[0],
                       name=exports_yaml.name, option=ALLOW_OUTSIDE_OPTION, allow=allow,
                       variable=ALLOW_OUTSIDE_ENV)))
    return problems
