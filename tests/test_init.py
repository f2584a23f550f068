"""``notelint init``: a commented configuration for the vault it finds, never overwriting."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from notelint.cli import main
from notelint.config import load_config
from notelint.testing import write_vault

FM = "---\ntags: [a]\n---\n"


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_quartz_site_gets_its_content_root_and_templates_excluded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {
        "quartz.config.ts": "export default {}\n",
        "content/index.md": FM + "[[b]]\n",
        "content/b.md": FM + "Hi.\n",
        "content/templates/daily.md": "# {{date}}\n[[{{title}}]]\n",
    })
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "init")
    assert code == 0 and "wrote notelint.toml (quartz vault, 3 notes)" in err
    text = (tmp_path / "notelint.toml").read_text()
    data = tomllib.loads(text)
    assert data["root"] == "content" and data["exclude"] == ["templates/**"]
    assert "ignore" not in data  # the notes carry tags and frontmatter
    assert f"# Detected flavor: quartz (quartz.config.ts at {tmp_path.resolve()})." in text
    assert '# flavor = "auto"' in text
    load_config(tmp_path / "notelint.toml")  # valid for notelint as written
    code, out, err = cli(capsys, "check", "--offline")
    assert code == 0 and "2 files checked" in out, out + err  # the template is left out


def test_obsidian_vault_with_untagged_notes_and_its_templates_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_vault(tmp_path, {
        ".obsidian/templates.json": '{"folder": "Meta/Tpl"}',
        "a.md": "Plain note.\n",
        "b.md": "Another.\n",
        "c.md": FM + "Tagged.\n",
        "Meta/Tpl/day.md": "{{date}}\n",
    })
    monkeypatch.chdir(tmp_path)
    code, _, _ = cli(capsys, "init")
    text = (tmp_path / "notelint.toml").read_text()
    data = tomllib.loads(text)
    assert code == 0 and data["root"] == "."
    assert data["exclude"] == ["Meta/Tpl/**"]
    assert data["ignore"] == ["missing-tags", "missing-frontmatter"]
    assert "only 1 of 4 notes read have tags" in text
    assert f"# Detected flavor: obsidian (.obsidian/ at {tmp_path.resolve()})." in text
    code, out, err = cli(capsys, "check", "--offline", "--select", "frontmatter")
    assert code == 0, out + err


@pytest.mark.parametrize(
    ("name", "text"),
    [("notelint.toml", "select = ['ALL']\n"), ("pyproject.toml", "[tool.notelint]\n")],
)
def test_an_existing_configuration_is_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    name: str, text: str,
) -> None:
    write_vault(tmp_path, {name: text, "a.md": FM})
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "init")
    assert code == 2 and "already configures notelint; not overwritten" in err
    assert (tmp_path / name).read_text() == text
    assert name == "notelint.toml" or not (tmp_path / "notelint.toml").exists()
