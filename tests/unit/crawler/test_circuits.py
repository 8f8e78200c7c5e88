"""The back-off schedule of retries, and the clear error when stem (the extra) is missing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from crawler.circuits import backoff_s
from crawler.tor import STEM_HINT, OwnTor, require_stem
from surveillance.errors import ConfigError


def test_the_pause_doubles_at_each_retry_up_to_the_cap() -> None:
    pauses = [backoff_s(retry, first_s=2.0, max_s=30.0) for retry in range(1, 7)]
    assert pauses == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_no_pause_without_a_retry_or_a_first_pause() -> None:
    assert backoff_s(0, first_s=2.0, max_s=30.0) == 0.0
    assert backoff_s(3, first_s=0.0, max_s=30.0) == 0.0
    assert backoff_s(10_000, first_s=1.0, max_s=60.0) == 60.0


def test_without_stem_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "stem", None)
    monkeypatch.setitem(sys.modules, "stem.control", None)
    with pytest.raises(ConfigError) as missing:
        require_stem()
    assert missing.value.hint == STEM_HINT == "pip install 'coastwatch[tor]'"
    with pytest.raises(ConfigError):
        OwnTor.start(tmp_path / "tor")
    assert not (tmp_path / "tor").exists()  # nothing started without it
