"""Configuration: discovery by walking up, strict validation, every error path exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from notelint.config import (
    DEFAULT_INCLUDE,
    Config,
    ConfigError,
    config_from_mapping,
    find_config,
    load_config,
    split_rule_list,
)
from notelint.engine import RunRequest, run
from notelint.model import Severity
from notelint.testing import write_vault


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- discovery -------------------------------------------------------------------------


def test_find_config_walks_up_from_a_folder_or_a_file(tmp_path: Path) -> None:
    config = write(tmp_path / "notelint.toml", "")
    (tmp_path / "a" / "b").mkdir(parents=True)
    note = write(tmp_path / "a" / "b" / "n.md", "x")
    assert find_config(tmp_path / "a" / "b") == config.resolve()
    assert find_config(note) == config.resolve()


def test_nearest_config_wins_and_names_are_ranked(tmp_path: Path) -> None:
    write(tmp_path / "notelint.toml", "")
    inner = tmp_path / "inner"
    write(inner / "pyproject.toml", "[tool.notelint]\n")
    assert find_config(inner) == (inner / "pyproject.toml").resolve()
    write(inner / ".notelint.toml", "")
    assert find_config(inner) == (inner / ".notelint.toml").resolve()
    write(inner / "notelint.toml", "")
    assert find_config(inner) == (inner / "notelint.toml").resolve()


def test_pyproject_without_a_notelint_table_is_passed_over(tmp_path: Path) -> None:
    outer = write(tmp_path / "notelint.toml", "")
    write(tmp_path / "proj" / "pyproject.toml", "[tool.ruff]\nline-length = 1\n")
    write(tmp_path / "broken" / "pyproject.toml", "this is [not toml")
    assert find_config(tmp_path / "proj") == outer.resolve()
    assert find_config(tmp_path / "broken") == outer.resolve()


def test_no_config_anywhere(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    found = find_config(folder)
    assert found is None or not found.is_relative_to(tmp_path)


# -- loading and validation ------------------------------------------------------------


def test_full_config_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path / "pyproject.toml",
        """
[tool.notelint]
root = "content"
include = ["*.md"]
exclude = ["private/", "*.draft.md"]
respect-gitignore = false
select = ["NL1", "frontmatter"]
extend-select = ["NL403"]
ignore = "NL105, NL106"
fail-on = "warning"
max-file-size = 1000
cache-dir = ".cache"

[tool.notelint.per-file-ignores]
"journal/*.md" = ["NL303"]

[tool.notelint.severity]
NL105 = "error"

[tool.notelint.links]
resolution = "relative"
""",
    )
    config = load_config(path)
    assert config.path == path
    assert config.root == tmp_path / "content"
    assert config.include == ("*.md",)
    assert config.exclude == ("private/", "*.draft.md")
    assert config.respect_gitignore is False
    assert config.select == ("NL1", "frontmatter")
    assert config.extend_select == ("NL403",)
    assert config.ignore == ("NL105", "NL106")
    assert config.fail_on is Severity.WARNING
    assert config.max_file_size == 1000 and config.cache_dir == ".cache"
    assert config.per_file_ignores == {"journal/*.md": ("NL303",)}
    assert config.severity == {"NL105": Severity.ERROR}
    assert config.families == {"links": {"resolution": "relative"}}
    assert config.source == str(path)


def test_defaults() -> None:
    config = Config()
    assert config.include == DEFAULT_INCLUDE and config.select is None
    assert config.fail_on is Severity.ERROR and config.respect_gitignore
    assert config.source == "the command line"


def test_standalone_file_is_the_whole_table(tmp_path: Path) -> None:
    config = load_config(write(tmp_path / ".notelint.toml", 'select = ["NL2"]\n'))
    assert config.select == ("NL2",)


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('selekt = ["x"]', "unknown key 'tool.notelint.selekt'"),
        ('fail-on = "fatal"', "'tool.notelint.fail-on': unknown severity 'fatal'"),
        ("fail-on = 3", "'tool.notelint.fail-on' must be 'error', 'warning' or 'info'"),
        ("max-file-size = 0", "'tool.notelint.max-file-size' must be a positive whole number"),
        ("max-file-size = true", "'tool.notelint.max-file-size' must be a positive whole"),
        ('per-file-ignores = {"a.md" = 3}', "'tool.notelint.per-file-ignores.a.md' must be a list"),
        ("per-file-ignores = 3", "'tool.notelint.per-file-ignores' must be a table"),
        ('severity = {NL101 = "loud"}', "'tool.notelint.severity.NL101': unknown severity"),
        ("severity = 1", "'tool.notelint.severity' must be a table"),
        ('respect-gitignore = "yes"', "'tool.notelint.respect-gitignore' must be true or false"),
        ("root = 1", "'tool.notelint.root' must be a string"),
        ("cache-dir = []", "'tool.notelint.cache-dir' must be a string"),
        ("select = [1, 2]", "'tool.notelint.select' must be a list of strings"),
        ("exclude = 5", "'tool.notelint.exclude' must be a list of strings"),
    ],
)
def test_invalid_values_name_the_key_and_file(tmp_path: Path, toml: str, words: str) -> None:
    path = write(tmp_path / "pyproject.toml", f"[tool.notelint]\n{toml}\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert words in str(info.value)
    assert str(path) in str(info.value)


def test_invalid_toml(tmp_path: Path) -> None:
    path = write(tmp_path / "notelint.toml", "x = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)


def test_tool_notelint_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'tool\.notelint' must be a table"):
        load_config(write(tmp_path / "pyproject.toml", "[tool]\nnotelint = 3\n"))


def test_config_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "notelint.toml"
    path.write_bytes(b"x = '\xff'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_config_that_is_a_folder(tmp_path: Path) -> None:
    (tmp_path / "notelint.toml").mkdir()
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "notelint.toml")


def test_comma_strings_are_lists() -> None:
    config = config_from_mapping({"select": "NL101, NL2 links", "exclude": "a/ b/"})
    assert config.select == ("NL101", "NL2", "links")
    assert config.exclude == ("a/", "b/")
    assert split_rule_list(["NL1,NL2", " dates "]) == ("NL1", "NL2", "dates")


# -- through the engine: every error path exits 2 with one clear message ---------------


def lint_with_config(tmp_path: Path, toml: str, **request: object) -> tuple[int, list[str]]:
    write_vault(tmp_path, {"notelint.toml": toml, "a.md": "---\ntags: [a]\n---\n"})
    result = run(RunRequest(paths=[str(tmp_path)], cwd=tmp_path, offline=True,
                            use_cache=False, **request))  # type: ignore[arg-type]
    return result.exit_code, result.messages


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("bogus = 1", "unknown key 'bogus'"),
        ("[links]\nresolushun = 'x'", "unknown key 'links.resolushun'"),
        ("[linkz]\nx = 1", "unknown key or table 'linkz'"),
        ("[frontmatter]\nrequired = 'title'", "'frontmatter.required' must be a list"),
        ("[frontmatter]\nrequired = [1]", "'frontmatter.required'"),
        ('select = ["NL999"]', "unknown rule 'NL999'"),
        ('ignore = ["nope"]', "unknown rule 'nope'"),
        ('extend-select = ["NLX"]', "unknown rule 'NLX'"),
        ('[severity]\nnope = "error"', "unknown rule 'nope'"),
        ('[per-file-ignores]\n"a.md" = ["nope"]', "unknown rule 'nope'"),
        ('root = "missing"', "is not a folder"),
        ("x = [", "invalid TOML"),
    ],
)
def test_config_errors_exit_2(tmp_path: Path, toml: str, words: str) -> None:
    code, messages = lint_with_config(tmp_path, toml)
    assert code == 2
    assert words in messages[-1], messages
    assert messages[-1].startswith("notelint: error: ")


def test_explicit_config_file_that_does_not_exist(tmp_path: Path) -> None:
    code, messages = lint_with_config(tmp_path, "", config_file=tmp_path / "nope.toml")
    assert code == 2 and "nope.toml does not exist" in messages[-1]


def test_explicit_config_file_is_used(tmp_path: Path) -> None:
    other = write(tmp_path / "conf" / "strict.toml", 'select = ["NL999"]\n')
    code, messages = lint_with_config(tmp_path, "", config_file=other)
    assert code == 2 and str(other) in messages[-1]


def test_config_root_is_relative_to_the_config_file(tmp_path: Path) -> None:
    write_vault(tmp_path, {
        "notelint.toml": 'root = "content"\nselect = ["NL101"]\n',
        "content/a.md": "[[b]]\n", "content/b.md": "x\n", "b.md": "x\n",
    })
    result = run(RunRequest(paths=[str(tmp_path / "content")], cwd=tmp_path, offline=True))
    assert result.exit_code == 0, result.messages
    assert result.report.root == "content"


def test_unknown_top_level_key_suggests_the_near_miss() -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'selct'; did you mean 'select'\?"):
        config_from_mapping({"selct": ["NL1"]})
    with pytest.raises(ConfigError) as info:
        config_from_mapping({"zzz": 1})
    assert "did you mean" not in str(info.value)
