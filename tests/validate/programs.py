"""Small programs profiled for real with cProfile: an API client whose operations sleep like a
slow server, and functions whose names contain what a report must never interpret."""

from __future__ import annotations

import cProfile
import json
import textwrap
import time
import types
from pathlib import Path

CLIENT = """
import time

def search_assets(page):
    time.sleep({search_ms} / 1000)
    return list(range(page * 10, page * 10 + 10))

def get_asset_info(asset):
    time.sleep({info_ms} / 1000)
    return {{"id": asset, "tags": ["a", "b"]}}

def get_tag_names(asset):
    return [t for t in get_asset_info(asset)["tags"]]

def has_tag(asset, name):
    return name in get_tag_names(asset)

def main():
    for page in range({pages}):
        for asset in search_assets(page)[: {per_page}]:
            has_tag(asset, "a")
    for asset in range({extra}):
        get_asset_info(asset)

main()
"""


def client_source(
    *,
    pages: int = 4,
    per_page: int = 10,
    extra: int = 0,
    info_ms: float = 2.0,
    search_ms: float = 3.0,
) -> str:
    return textwrap.dedent(CLIENT).format(
        pages=pages, per_page=per_page, extra=extra, info_ms=info_ms, search_ms=search_ms
    )


def profile_client(path: Path, *, sidecar: dict | None = None, **params: float) -> Path:
    """Run the client under cProfile, write ``path`` and, if given, its ``perfkit.run/1``
    sidecar beside it."""
    code = compile(client_source(**params), "client.py", "exec")
    profiler = cProfile.Profile()
    namespace: dict = {"__name__": "__main__"}
    profiler.runctx(code, namespace, namespace)
    profiler.dump_stats(str(path))
    if sidecar is not None:
        document = {"schema": "perfkit.run/1", **sidecar}
        path.with_suffix(".json").write_text(json.dumps(document), encoding="utf-8")
    return path


WEIRD_NAMES = (
    '<script>alert("x")</script>',
    "quote\"'&amp;",
    "ünïcødé_名前",
    "ctrl\x07\x1b[31mred\u2028line",
    "$x^2$ math",
    "[bold]rich[/] | pipe",
    "very_long_" + "name" * 1500,  # 6,010 characters
)
WEIRD_FILE = "<img src=x onerror=alert(1)>.py"


def _renamed(name: str, body: types.FunctionType) -> types.FunctionType:
    code = body.__code__.replace(co_name=name, co_qualname=name, co_filename=WEIRD_FILE)
    return types.FunctionType(code, body.__globals__, name)


def _work(n: int) -> int:
    time.sleep(0.0005)
    return n * 2


def profile_weird(path: Path, calls: int) -> Path:
    """Call each crafted function ``calls`` times under cProfile."""
    functions = [_renamed(name, _work) for name in WEIRD_NAMES]
    profiler = cProfile.Profile()
    profiler.enable()
    for function in functions:
        for i in range(calls):
            function(i)
    profiler.disable()
    profiler.dump_stats(str(path))
    return path


def profile_mixed(path: Path, *, weird_calls: int, **params: float) -> Path:
    """The client and the crafted functions in one profile (a report with every chart and
    every kind of name)."""
    code = compile(client_source(**params), "client.py", "exec")
    functions = [_renamed(name, _work) for name in WEIRD_NAMES]
    profiler = cProfile.Profile()
    namespace: dict = {"__name__": "__main__"}
    profiler.runctx(code, namespace, namespace)
    profiler.enable()
    for function in functions:
        for i in range(weird_calls):
            function(i)
    profiler.disable()
    profiler.dump_stats(str(path))
    return path
