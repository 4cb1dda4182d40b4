"""Selectors over a real profile."""

from __future__ import annotations

import pytest

import perfkit
from perfkit.match.selectors import NoMatchError, SelectorError, parse_selector

SOURCE = """
import socket

def get_asset_info(i):
    return i * 2

def search_assets():
    return [get_asset_info(i) for i in range(5)]

def talk():
    left, right = socket.socketpair()
    left.sendall(b"ping")
    data = right.recv(4)
    left.close(); right.close()
    return data

search_assets()
talk()
"""


@pytest.fixture
def profile(make_profile) -> perfkit.Profile:
    return perfkit.load(make_profile(SOURCE, filename="autotag_client.py"))


def names(rows) -> list[str]:
    return sorted(rows["function"].tolist())


def test_plain_name(profile: perfkit.Profile) -> None:
    assert names(profile.select("get_asset_info")) == ["get_asset_info"]
    assert profile.select("get_asset_info")["ncalls"].sum() == 5


def test_builtin_bare_name_and_module_glob(profile: perfkit.Profile) -> None:
    assert "recv" in names(profile.select("recv"))
    assert names(profile.select("~:*recv*")) == ["recv"]
    assert names(profile.select("autotag_*:search_*")) == ["search_assets"]


def test_regex_and_lists_are_or(profile: perfkit.Profile) -> None:
    assert names(profile.select(r"re:autotag_client\.py:\d+\(get_")) == ["get_asset_info"]
    combined = profile.select("get_asset_info, search_assets")
    assert names(combined) == ["get_asset_info", "search_assets"]
    assert names(profile.select(["recv", "re:search_assets"])) == ["recv", "search_assets"]
    assert names(profile.select("sendall,re:x{1,3}_never|search")) == ["search_assets", "sendall"]


def test_no_match_says_so(profile: perfkit.Profile) -> None:
    with pytest.raises(NoMatchError, match="matches no function"):
        profile.select("get_assets_info")
    assert profile.select("get_assets_info", required=False).empty


@pytest.mark.parametrize("text", ["", "a,,b", "re:", "re:(unclosed", ":name", "module:"])
def test_bad_selectors(text: str) -> None:
    with pytest.raises(SelectorError):
        parse_selector(text)
