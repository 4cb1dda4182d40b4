"""The ``autotag`` command line, in-process (the serving itself is tested over loopback)."""

from __future__ import annotations

import pytest

from autotag.cli import main


@pytest.mark.parametrize("argv", [["--help"], ["sim", "--help"]])
def test_help_ends_with_an_example(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    lines = capsys.readouterr().out.rstrip().splitlines()
    assert "example:" in lines
    assert any(line.strip().startswith("autotag sim") for line in lines[lines.index("example:") :])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sim", "--faults", "drop=2"], "fault spec: drop must be between 0 and 1"),
        (["sim", "--port", "70000"], "--port must be between 0 and 65535"),
        (["sim", "--api-key", " "], "--api-key must not be empty"),
        (["sim", "--dataset", "ci", "--workers", "-1"], "workers must be >= 0"),
    ],
)
def test_bad_options_give_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert err.startswith("autotag: error: ") and message in err
