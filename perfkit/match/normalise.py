"""Turn a pstats key's file into a normalised module name, the same on every machine.

The same source file shows up under different absolute paths in different checkouts, virtualenvs
and interpreters.  A module name is a function of the profile alone (and its sidecar): never of
the current directory or of which files exist where it is read.  Per file, the first rule that
applies:

1. ``~`` (cProfile) and ``''`` (the ``profile`` module) are C built-ins: module ``~``.
2. ``<frozen importlib._bootstrap>`` -> ``importlib._bootstrap``; other ``<...>`` names stay.
3. Anything under ``site-packages`` / ``dist-packages`` (any virtualenv or interpreter): the
   path after the last such folder.
4. The standard library (``lib/pythonX.Y/``, ``Lib/`` on Windows): the path after it.
5. Below the project root that the run's sidecar records (``project.root``, written by the
   autotag harness), or a relative path: the path below the root.
6. Otherwise the path below the common folder of all such remaining files in the profile (above
   it while that folder's ``__init__.py`` is among them: a package keeps its name).

Paths become dotted names without the extension; ``pkg/__init__.py`` becomes ``pkg``.  Two
profiles of one program made in different folders can still name a module differently (rule 6
cuts at a different depth when one run touched more of the tree): ``perfkit.match.pairing``
pairs such files by the longest path suffix the two profiles share.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable

BUILTIN_MODULE = "~"
_BUILTIN_FILES = frozenset({"~", ""})
_DRIVE = re.compile(r"^[A-Za-z]:/")
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
    relative = "/".join(part for part in relative.split("/") if part not in {"", ".", ".."})
    relative = _SOURCE_SUFFIX.sub("", relative)
    if relative.endswith("/__init__"):
        relative = relative[: -len("/__init__")]
    return relative.replace("/", ".")


def is_source_file(file: str) -> bool:
    """A file of the profiled program itself: not a built-in, frozen, standard-library or
    installed-package file (rules 5 and 6 name it)."""
    if is_builtin(file) or (file.startswith("<") and file.endswith(">")):
        return False
    return _LIBRARY_ROOT.match(file.replace("\\", "/")) is None


def dotted_below(path: str, folder: str) -> str:
    """The module name of ``path`` relative to ``folder`` ('' for the root itself)."""
    path = path.replace("\\", "/")
    return _dotted(path[len(folder) :] if folder else path)


def module_names(files: Iterable[str], root: str | None = None) -> dict[str, str]:
    """Map each distinct file of one profile to its normalised module name.

    ``root``: the project root the run recorded (rule 5), or None.
    """
    modules: dict[str, str] = {}
    unresolved: list[str] = []
    root = posixpath.normpath(root.replace("\\", "/")) if root else None
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
        elif root and path.startswith(root + "/"):
            modules[file] = _dotted(path[len(root) :])
        elif not path.startswith("/") and not _DRIVE.match(path):
            modules[file] = _dotted(path)
        else:
            unresolved.append(path)
            modules[file] = path
    common = _common_folder(unresolved)
    pending = set(unresolved)
    while common and f"{common}/__init__.py" in pending:  # a package: keep its name
        common = posixpath.dirname(common).rstrip("/")
    for file, path in modules.items():
        if path in pending:
            modules[file] = dotted_below(path, common if path.startswith(common + "/") else "")
    return modules


def _common_folder(files: list[str]) -> str:
    """The deepest folder that holds every one of ``files`` (absolute paths), or ''."""
    folders = [posixpath.dirname(file) for file in files]
    if not folders:
        return ""
    try:
        common = posixpath.commonpath(folders)
    except ValueError:
        return ""
    return "" if common == "/" else common
