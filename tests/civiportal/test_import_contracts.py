"""The dependency contracts (scripts/check_imports.py, run by `make lint`) hold on the
project and catch a module that breaks one, wherever the import sits."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "scripts" / "check_imports.py"


def check(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECKER), str(root)], capture_output=True, text=True, check=False
    )


def module(root: Path, dotted: str, source: str) -> None:
    path = root.joinpath(*dotted.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in path.relative_to(root).parents:
        if parent != Path("."):
            (root / parent / "__init__.py").touch()
    path.write_text(source)


def test_the_project_keeps_its_contracts():
    result = check(ROOT)
    assert result.returncode == 0, result.stderr


def test_applicants_importing_agencies_fails_with_the_file_line_and_rule(tmp_path):
    module(tmp_path, "applicants.views.fine", "from programs.models import Program\n")
    module(tmp_path, "applicants.test_probe", '"""A test."""\n\nimport agencies\n')
    result = check(tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "applicants/test_probe.py:3: imports agencies"
        " (contract: applicants never imports agencies)",
        "1 import(s) break the contracts in docs/architecture.md",
    ]


def test_django_in_the_engine_fails_even_inside_a_function(tmp_path):
    module(tmp_path, "eligibility.engine.rules", "from eligibility.engine import values\n")
    module(
        tmp_path, "eligibility.engine.values", "def f():\n    from django.conf import settings\n"
    )
    result = check(tmp_path)
    assert result.returncode == 1
    assert "eligibility/engine/values.py:2: imports django.conf (contract: the engine is pure" in (
        result.stderr
    )
    assert "rules.py" not in result.stderr


def test_relative_and_package_imports_are_resolved(tmp_path):
    module(tmp_path, "programs.services", "from ..agencies import routing\n")
    module(tmp_path, "programs.selectors", "from applicants import models\n")
    result = check(tmp_path)
    assert "programs/services.py:1: imports agencies" in result.stderr
    assert "programs/selectors.py:1: imports applicants" in result.stderr
