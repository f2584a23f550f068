"""The spelling verdict cache (``Speller._load_cache``/``_save_cache``) is checksummed.

A flipped byte that leaves the JSON readable (a suggestion spelt differently, say)
must be a miss, as in the index cache: aspell is asked again and the verdict is right,
never the damaged one served as if aspell had said it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from notelint.spell import Speller, aspell_available

pytestmark = pytest.mark.skipif(not aspell_available(), reason="aspell is not installed")


def _cache_file(folder: Path) -> Path:
    (found,) = (folder / "spelling").glob("words-*.json")
    return found


def _flip(path: Path, at: int) -> None:
    """Flip the lowest bit of byte ``at`` of ``path`` (``t`` becomes ``u``)."""
    data = bytearray(path.read_bytes())
    data[at] ^= 1
    path.write_bytes(bytes(data))


def _in_a_suggestion(data: bytes) -> int:
    return data.index(b'"technical"') + 1


def _in_the_checksum(data: bytes) -> int:
    return data.index(b'"checksum": "') + len(b'"checksum": "')


@pytest.mark.parametrize("where", [_in_a_suggestion, _in_the_checksum])
def test_a_flipped_byte_in_the_verdict_cache_is_a_miss(
    tmp_path: Path, where: Callable[[bytes], int]
) -> None:
    with Speller(cache_dir=tmp_path) as first:
        expected = first.check(["techncial", "recieve"])
    assert expected["techncial"][0] == "technical"
    path = _cache_file(tmp_path)
    with Speller(cache_dir=tmp_path) as warm:  # the cache as written is used
        assert warm.check(["techncial", "recieve"]) == expected and warm.aspell_runs == 0
    _flip(path, where(path.read_bytes()))
    with Speller(cache_dir=tmp_path) as second:
        assert second.check(["techncial", "recieve"]) == expected
        assert second.aspell_runs > 0  # asked again, not served the damaged verdict
