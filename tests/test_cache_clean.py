"""``notelint cache clean``: removes the cache folder ``check`` uses, and only a notelint one."""

from __future__ import annotations

from pathlib import Path

import pytest

from notelint.cache import CACHE_MARKER, INDEX_FILE, prepare_cache_dir
from notelint.cli import main
from notelint.testing import write_vault

NOTES = {
    "a.md": "---\ntags: [x]\n---\nSee [[b]].\n",
    "b.md": "---\ntags: [x]\n---\n# B\n",
}


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_vault(tmp_path, NOTES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys: pytest.CaptureFixture[str], *args: str) -> None:
    code, _, err = cli(capsys, "check", "--offline", "--select", "links", *args)
    assert code == 0, err


def test_check_creates_the_cache_and_clean_removes_it(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check(capsys)
    cache = vault / ".notelint-cache"
    assert (cache / INDEX_FILE).is_file()
    code, out, err = cli(capsys, "cache", "clean")
    assert (code, out) == (0, "")
    assert err == "notelint: removed cache .notelint-cache\n"
    assert not cache.exists()
    assert (vault / "a.md").is_file() and (vault / "b.md").is_file()
    code, _, err = cli(capsys, "cache", "clean")  # again: nothing left to remove
    assert code == 0
    assert err == "notelint: no cache at .notelint-cache\n"


def test_no_cache_exits_0(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "cache", "clean", ".")
    assert (code, out) == (0, "")
    assert err == "notelint: no cache at .notelint-cache\n"
    assert sorted(p.name for p in vault.iterdir()) == ["a.md", "b.md"]


def test_path_and_root_as_check_takes_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path / "vault", NOTES)
    monkeypatch.chdir(tmp_path)
    check(capsys, "vault")
    assert (tmp_path / "vault" / ".notelint-cache").is_dir()
    code, _, err = cli(capsys, "cache", "clean", "vault")
    assert code == 0
    assert err == "notelint: removed cache vault/.notelint-cache\n"
    assert not (tmp_path / "vault" / ".notelint-cache").exists()

    check(capsys, "vault/a.md", "--root", "vault")
    assert (tmp_path / "vault" / ".notelint-cache").is_dir()
    assert cli(capsys, "cache", "clean", "vault/a.md", "--root", "vault")[0] == 0
    assert not (tmp_path / "vault" / ".notelint-cache").exists()


def test_cache_dir_option_is_honoured(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check(capsys, "--cache-dir", "elsewhere/cache")
    cache = vault / "elsewhere" / "cache"
    assert (cache / INDEX_FILE).is_file()
    assert not (vault / ".notelint-cache").exists()
    prepare_cache_dir(vault / ".notelint-cache")  # the default one must stay
    code, _, err = cli(capsys, "cache", "clean", "--cache-dir", "elsewhere/cache")
    assert code == 0
    assert err == "notelint: removed cache elsewhere/cache\n"
    assert not cache.exists()
    assert (vault / "elsewhere").is_dir()
    assert (vault / ".notelint-cache" / ".gitignore").is_file()


@pytest.mark.parametrize("name", [".notelint.toml", "notelint.toml"])
def test_cache_dir_from_the_config_file(
    vault: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (vault / name).write_text('cache-dir = "x"\n', encoding="utf-8")
    check(capsys)
    assert (vault / "x" / INDEX_FILE).is_file()
    assert not (vault / ".notelint-cache").exists()
    code, _, err = cli(capsys, "cache", "clean")
    assert code == 0
    assert err == "notelint: removed cache x\n"
    assert not (vault / "x").exists()
    assert (vault / name).is_file()


def test_cache_dir_from_pyproject_and_config_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_vault(tmp_path / "notes", NOTES)
    config = tmp_path / "conf" / "pyproject.toml"
    config.parent.mkdir()
    config.write_text('[tool.notelint]\ncache-dir = "the-cache"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    check(capsys, "notes", "--config", "conf/pyproject.toml")
    cache = tmp_path / "conf" / "the-cache"  # beside the configuration file
    assert (cache / INDEX_FILE).is_file()
    code, _, err = cli(capsys, "cache", "clean", "notes", "--config", "conf/pyproject.toml")
    assert code == 0, err
    assert not cache.exists()
    assert config.is_file()


def test_folder_without_the_marker_is_refused_and_kept(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = vault / "mine"
    mine.mkdir()
    (mine / "precious.txt").write_text("keep me\n", encoding="utf-8")
    code, out, err = cli(capsys, "cache", "clean", "--cache-dir", "mine")
    assert (code, out) == (2, "")
    assert err == (
        "notelint: error: mine does not look like a notelint cache "
        "(no notelint .gitignore); not removed\n"
    )
    assert (mine / "precious.txt").read_text(encoding="utf-8") == "keep me\n"


def test_folder_with_another_gitignore_is_refused_and_kept(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vault / "build").mkdir()
    (vault / "build" / ".gitignore").write_text("*\n", encoding="utf-8")
    (vault / "build" / "out.html").write_text("<p>\n", encoding="utf-8")
    code, _, err = cli(capsys, "cache", "clean", "--cache-dir", "build")
    assert code == 2
    assert "build does not look like a notelint cache" in err
    assert "not removed" in err
    assert (vault / "build" / "out.html").is_file()
    assert (vault / "build" / ".gitignore").is_file()


def test_a_file_is_refused(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "cache", "clean", "--cache-dir", "a.md")
    assert code == 2
    assert "a.md is not a folder" in err
    assert (vault / "a.md").is_file()


def test_cache_dir_holding_the_vault_is_refused_despite_the_marker(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (vault / ".notelint.toml").write_text('cache-dir = "."\n', encoding="utf-8")
    check(capsys)
    # a '*' .gitignore in the vault would hide every note from git: none is written
    assert not (vault / ".gitignore").exists()
    (vault / ".gitignore").write_text(f"{CACHE_MARKER}\n*\n", encoding="utf-8")  # older
    code, _, err = cli(capsys, "cache", "clean")
    assert code == 2
    assert "holds the vault root" in err
    assert "not removed" in err
    assert (vault / "a.md").is_file()
    assert (vault / INDEX_FILE).is_file()


def test_the_marker_is_the_one_prepare_cache_dir_writes(tmp_path: Path) -> None:
    prepare_cache_dir(tmp_path / "c")
    lines = (tmp_path / "c" / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines[0] == CACHE_MARKER


def test_removal_failure_exits_2_naming_the_path(
    vault: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    check(capsys)

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("notelint.cli.shutil.rmtree", refuse)
    code, _, err = cli(capsys, "cache", "clean")
    assert code == 2
    assert err == "notelint: error: cannot remove the cache .notelint-cache: Permission denied\n"
    assert (vault / ".notelint-cache" / INDEX_FILE).is_file()


def test_bad_config_exits_2(vault: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "cache", "clean", "--config", "missing.toml")
    assert code == 2
    assert "missing.toml does not exist" in err


def test_cache_without_action_prints_usage_and_exits_2(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "cache")
    assert code == 2
    assert "usage: notelint cache" in err
    assert cli(capsys, "cache", "purge")[0] == 2


def test_an_existing_empty_folder_given_as_cache_dir_is_never_marked(
    vault: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    check(capsys, "--cache-dir", str(mine))
    assert (mine / INDEX_FILE).is_file() and not (mine / ".gitignore").exists()
    (mine / "precious.txt").write_text("keep")
    code, _, err = cli(capsys, "cache", "clean", "--cache-dir", str(mine))
    assert code == 2 and "not removed" in err
    assert (mine / "precious.txt").read_text() == "keep"
