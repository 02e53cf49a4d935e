"""A room without installs: binder/requirements.txt (Binder, or a JupyterHub image) lists exactly what the
lab install needs, pyproject.toml's [project] dependencies plus its `lab` extra if there is one, so a
hosted session runs every lesson as `make lab` does. binder/postBuild installs the course itself."""
import os
import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]


def lab_install_requirements() -> list[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["dependencies"] + project.get("optional-dependencies", {}).get("lab", [])


def requirement_lines(text: str) -> list[str]:
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _normal(requirement: str) -> str:
    return re.sub(r"\s+", "", requirement).replace('"', "'").lower()


def test_binder_requirements_are_the_lab_install():
    listed = requirement_lines((REPO / "binder" / "requirements.txt").read_text(encoding="utf-8"))
    expected = lab_install_requirements()
    assert len(set(map(_normal, listed))) == len(listed), f"a requirement is listed twice: {listed}"
    missing = sorted(set(map(_normal, expected)) - set(map(_normal, listed)))
    extra = sorted(set(map(_normal, listed)) - set(map(_normal, expected)))
    assert not missing and not extra, (
        f"binder/requirements.txt must list exactly pyproject's dependencies + the lab extra; "
        f"missing {missing}, not in pyproject {extra}. The right lines:\n" + "\n".join(expected))


def test_postbuild_installs_the_course_without_touching_its_dependencies():
    post_build = REPO / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    assert re.search(r"pip install --no-deps -e \.", post_build.read_text(encoding="utf-8"))


def test_the_requirement_reader_skips_comments():
    text = "# a comment\nnumpy>=1.24  # why\n\ntomli>=2.0; python_version < '3.11'\n"
    assert requirement_lines(text) == ["numpy>=1.24", "tomli>=2.0; python_version < '3.11'"]
