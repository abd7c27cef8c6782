"""The install routes agree and the promised files exist."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_runtime_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_name(r): r for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = {_name(d): d for d in env["dependencies"] if isinstance(d, str)}
    missing = sorted(set(runtime) - set(conda))
    assert not missing, f"environment.yml lacks runtime dependencies: {missing}"
    # Same lower bounds, so the conda route installs what pip would.
    for name, req in runtime.items():
        assert req.replace(" ", "") == conda[name].replace(" ", ""), (name, req, conda[name])
    test_extras = {_name(r) for r in project["optional-dependencies"]["test"]}
    assert test_extras <= set(conda), "conda users also get the test tools"


def test_promised_layout_exists():
    for path in ["kpi_lib", "notebooks", "client_configs", "outputs", "tests", "environment.yml",
                 "README.md", "pyproject.toml", "Makefile", ".ci/run", "scripts/system_deps.sh"]:
        assert (ROOT / path).exists(), path


def test_readme_gives_the_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "conda env create -f environment.yml" in readme


def test_outputs_and_client_data_are_git_ignored():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "outputs/*" in ignored and "client_data/" in ignored
