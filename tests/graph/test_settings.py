"""Settings: precedence, validation, and readable errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import SettingsError
from graph.settings import load_settings


def test_defaults_serve_pesawaran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.home_region == "18.09"
    assert settings.base_iri.endswith("/")


def test_toml_file_then_environment_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "onecenter.toml").write_text(
        'home_region = "18.10"\nbase_iri = "https://data.pringsewukab.go.id/"\nmax_result_rows = 50\n'
    )
    assert load_settings().home_region == "18.10"
    monkeypatch.setenv("ONECENTER_MAX_RESULT_ROWS", "7")
    settings = load_settings()
    assert settings.max_result_rows == 7 and settings.base_iri == "https://data.pringsewukab.go.id/"


def test_config_file_named_by_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('store_path = ":memory:"\n')
    monkeypatch.setenv("ONECENTER_CONFIG", str(config))
    settings = load_settings()
    assert settings.store_location is None


def test_unknown_key_in_toml_is_refused_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "onecenter.toml").write_text('home_regoin = "18.10"\n')
    with pytest.raises(SettingsError, match="home_regoin"):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("base_iri", "data.example.org"),
        ("base_iri", "https://x.org/no-slash"),
        ("home_region", "1809"),
    ],
)
def test_invalid_values_are_refused_with_the_setting_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings(**{name: value})


def test_relative_paths_resolve_under_the_project(tmp_path: Path) -> None:
    settings = load_settings(project_dir=tmp_path, store_path="var/s")
    assert settings.store_location == tmp_path / "var" / "s"
    assert settings.mappings_path == tmp_path / "mappings"


def test_no_code_outside_the_settings_defaults_names_pesawaran() -> None:
    """Another regency runs its own instance from the same code by changing settings only."""
    from graph.settings import PROJECT_DIR

    offenders = []
    for folder in ("graph", "api", "ontology"):
        for path in (PROJECT_DIR / folder).rglob("*"):
            if path.suffix not in {".py", ".ttl"} or path.name == "settings.py":
                continue
            text = path.read_text(encoding="utf-8")
            if "pesawaran" in text.lower() or "18.09" in text:
                offenders.append(path.name)
    assert offenders == []
