"""The two JavaScript libraries the offline site and slides need, from PyPI, pinned.

    python tools/site_assets.py            # fetches once into build/site-assets/, then reuses it

A fresh machine (README: Python 3.11 and the package registries) has pip but may have no node/npm, so
both come as wheels fetched with `pip download --no-deps` (no install, nothing else pulled in):

    MathJax 3.2.2   from django-static-mathjax 3.2.2.1 (mathjax/static/mathjax/es5: the
                    tex-chtml build with its woff fonts and TeX extensions, 24 MB)
    reveal.js 5.2.0 from sphinx-revealjs 3.2.1 (sphinx_revealjs/_static/revealjs: dist/ and plugin/)

`jupyter-server-mathjax` was not taken: it ships a reduced MathJax 2 without the CommonHTML fonts, and
pages built on it show "[Math Processing Error]" (shared/recipes/offline-course-site.md).
Nothing is fetched at view time: the pages load these copies by relative URL.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CACHE = REPO / "build" / "site-assets"
# name: (wheel requirement, folder inside the wheel, what the extracted folder must hold)
ASSETS = {
    "mathjax": ("django-static-mathjax==3.2.2.1", "mathjax/static/mathjax/es5/", "tex-chtml.js"),
    "reveal.js": ("sphinx-revealjs==3.2.1", "sphinx_revealjs/_static/revealjs/", "dist/reveal.js"),
}


def _wheel(requirement: str) -> Path:
    name, version = requirement.split("==")
    stem = f"{name.replace('-', '_')}-{version}-"
    wheels = CACHE / "wheels"
    found = sorted(wheels.glob(f"{stem}*.whl"))
    if not found:
        wheels.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                   "--dest", str(wheels), requirement]
        result = subprocess.run(command, capture_output=True, text=True)
        found = sorted(wheels.glob(f"{stem}*.whl"))
        if result.returncode != 0 or not found:
            raise SystemExit(f"could not fetch {requirement} from PyPI (`{' '.join(command)}`):\n"
                             f"{result.stderr[-2000:]}")
    return found[-1]


def asset_dir(name: str) -> Path:
    """The extracted folder of asset `name` (fetched and unpacked on first use)."""
    requirement, prefix, must_hold = ASSETS[name]
    target = CACHE / name
    if (target / must_hold).is_file():
        return target
    if target.exists():
        shutil.rmtree(target)
    with zipfile.ZipFile(_wheel(requirement)) as wheel:
        members = [m for m in wheel.namelist() if m.startswith(prefix) and not m.endswith("/")]
        for member in members:
            dest = target / member[len(prefix):]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(wheel.read(member))
    if not (target / must_hold).is_file():
        raise SystemExit(f"{requirement}: no {prefix}{must_hold} in the wheel; the pinned version changed layout")
    return target


def copy_asset(name: str, dest: Path, keep=None) -> Path:
    """Copy asset `name` to `dest` (replacing it); `keep(relative_path)` filters files (default: all)."""
    source = asset_dir(name)
    if dest.exists():
        shutil.rmtree(dest)
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_file() and (keep is None or keep(rel.as_posix())):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest / rel)
    return dest


if __name__ == "__main__":
    for asset in ASSETS:
        print(f"{asset}: {asset_dir(asset)}")
