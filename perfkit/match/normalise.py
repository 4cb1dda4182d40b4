"""Turn a pstats key's file into a normalised module name, the same on every machine.

The same source file shows up under different absolute paths in different checkouts, virtualenvs
and interpreters.  The module name is derived, per file, by the first rule that applies:

1. ``~`` (cProfile) and ``''`` (the ``profile`` module) are C built-ins: module ``~``.
2. ``<frozen importlib._bootstrap>`` -> ``importlib._bootstrap``; other ``<...>`` names stay.
3. Anything under ``site-packages`` / ``dist-packages`` (any virtualenv or interpreter): the
   path after the last such folder.
4. The standard library (``lib/pythonX.Y/``, ``Lib/`` on Windows): the path after it.
5. A file that exists on this machine (or whose trailing path exists below the current
   directory, e.g. a profile made in a CI workspace and read in a checkout): its module name as
   Python would import it, found by walking up through folders that hold ``__init__.py``.
6. Otherwise the path below the common folder of all such unresolved files in the profile.

Paths become dotted names without the extension; ``pkg/__init__.py`` becomes ``pkg``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

BUILTIN_MODULE = "~"
_BUILTIN_FILES = frozenset({"~", ""})
_FROZEN = re.compile(r"^<frozen (?P<module>[^>]+)>$")
_LIBRARY_ROOT = re.compile(
    r"^(?:.*/)?(?:site-packages|dist-packages)/"
    r"|^(?:.*/)?lib(?:64)?/(?:python|pypy)\d+(?:\.\d+)?t?/"
    r"|^(?:.*/)?Lib/"
)
_SOURCE_SUFFIX = re.compile(r"\.(?:py|pyw|pyx|pyi)$|\.(?:cpython|pypy)[^/]*\.so$|\.so$|\.pyd$")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_BUILTIN_NAME = re.compile(
    r"^<(?:built-in method (?:(?P<qualifier>[\w.]+)\.)?(?P<function>\w+)"
    r"|method '(?P<method>[^']+)' of '(?P<owner>[^']+)' objects)>$"
)


def is_builtin(file: str) -> bool:
    return file in _BUILTIN_FILES


def bare_name(name: str) -> str:
    """``recv`` for ``<method 'recv' of '_socket.socket' objects>``, ``exec`` for
    ``<built-in method builtins.exec>``; other names unchanged."""
    found = _BUILTIN_NAME.match(name)
    if not found:
        return name
    return found["function"] or found["method"]


def without_address(name: str) -> str:
    """``<built-in method __new__ of type object>`` for ``... of type object at 0x7f3a...>``:
    the address differs in every run, so it is dropped for labels and pairing."""
    return _ADDRESS.sub("", name) if " at 0x" in name else name


def builtin_label(name: str) -> str:
    """How pstats prints a built-in (angle brackets become braces), without addresses."""
    name = without_address(name)
    if name.startswith("<") and name.endswith(">"):
        return "{" + name[1:-1] + "}"
    return "{" + name + "}"


def _dotted(relative: str) -> str:
    relative = _SOURCE_SUFFIX.sub("", relative.strip("/"))
    if relative.endswith("/__init__"):
        relative = relative[: -len("/__init__")]
    return relative.replace("/", ".")


def _package_module(path: str) -> str | None:
    """The import name of an existing source file, or None."""
    if not os.path.isfile(path):
        return None
    folder, name = os.path.split(os.path.abspath(path))
    parts = [name]
    while os.path.isfile(os.path.join(folder, "__init__.py")):
        folder, package = os.path.split(folder)
        if not package:
            break
        parts.append(package)
    return _dotted("/".join(reversed(parts)))


def _local_module(path: str) -> str | None:
    """Rule 5: the file itself, or its trailing components below the current directory."""
    found = _package_module(path)
    if found is not None:
        return found
    parts = path.split("/")
    for start in range(1, len(parts) - 1):
        if parts[start]:
            found = _package_module("/".join(parts[start:]))
            if found is not None:
                return found
    return None


def module_names(files: Iterable[str]) -> dict[str, str]:
    """Map each distinct file of one profile to its normalised module name."""
    modules: dict[str, str] = {}
    unresolved: list[str] = []
    for file in dict.fromkeys(files):
        if is_builtin(file):
            modules[file] = BUILTIN_MODULE
            continue
        frozen = _FROZEN.match(file)
        if frozen or (file.startswith("<") and file.endswith(">")):
            modules[file] = frozen["module"] if frozen else file
            continue
        path = file.replace("\\", "/")
        library = _LIBRARY_ROOT.match(path)
        if library:
            modules[file] = _dotted(path[library.end() :])
            continue
        local = _local_module(path)
        if local is not None:
            modules[file] = local
        else:
            unresolved.append(file)
    absolute = [file for file in unresolved if file.replace("\\", "/").startswith("/")]
    common = _common_folder(absolute)
    for file in unresolved:
        path = file.replace("\\", "/")
        if common and path.startswith(common + "/"):
            path = path[len(common) :]
        modules[file] = _dotted(path)
    return modules


def _common_folder(files: list[str]) -> str:
    """The deepest folder that holds every one of ``files`` (absolute paths), or ''."""
    folders = [os.path.dirname(file.replace("\\", "/")) for file in files]
    if not folders:
        return ""
    try:
        common = os.path.commonpath(folders)
    except ValueError:
        return ""
    return "" if common == "/" else common
