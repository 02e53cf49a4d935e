"""Run the lessons the way the tests do, once, for the site and the slides.

    python tools/execute.py [lessons/03_*.ipynb ...]      # default: every lesson

Each notebook runs on a fresh kernel of this venv (python3), from its own folder, with the practice log
off, in the quick mode the tests use (HPO_COURSE_FULL unset), at most JOBS=2 at a time (a 2-core machine). The executed copy goes to build/executed/lessons/ with
its widget state (the explorers' pictures come from it) and a stamp: the hash of the notebook and of the
hpo_mini package. `make site` and `make slides` reuse a copy whose stamp still matches.

The kernel starts with build/ipython/ as its IPython directory, whose one startup file is
tools/alt_text_hook.py: a figure shown inline carries its title as alt text in the output's metadata (`{"alt": ...}`), which the site's template writes into <img alt>.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "build" / "executed"
ALT_TEXT_HOOK = Path(__file__).resolve().parent / "alt_text_hook.py"
IPYTHON_DIR = REPO / "build" / "ipython"  # the kernels' own profile: the hook, and no user startup files
JOBS = 2
CELL_TIMEOUT_S = 120  # the limit nbval uses in `make test`


def package_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "hpo_mini").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".toml", ".json"}:
            digest.update(path.relative_to(REPO).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(ALT_TEXT_HOOK.read_bytes())
    return digest.hexdigest()[:16]


def stamp(source: Path, pkg: str) -> str:
    """What an executed copy depends on: its cells' types and sources (not their metadata: adding slide
    types does not re-run a lesson) and the package."""
    cells = json.loads(source.read_text(encoding="utf-8"))["cells"]
    text = json.dumps([[c["cell_type"], c["source"]] for c in cells], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16] + "-" + pkg


def executed_path(source: Path) -> Path:
    return OUT / source.parent.name / source.name


def _is_fresh(source: Path, pkg: str) -> bool:
    target = executed_path(source)
    if not target.exists():
        return False
    nb = json.loads(target.read_text(encoding="utf-8"))
    return nb.get("metadata", {}).get("hpo_course_site", {}).get("stamp") == stamp(source, pkg)


def _run_one(source: str, pkg: str) -> tuple[str, float, str | None]:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = Path(source)
    nb = nbformat.read(path, as_version=4)
    start = time.monotonic()
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:  # keep what ran; the page shows the error and the build fails
        error = str(exc).splitlines()[0] if str(exc) else repr(exc)
    seconds = time.monotonic() - start
    # A failed run is never "up to date": the next build runs it again.
    nb.metadata["hpo_course_site"] = {"stamp": stamp(path, pkg) if error is None else "failed",
                                      "seconds": round(seconds, 1)}
    target = executed_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return source, seconds, error


def load_executed(source: Path, executed: Path):
    """The executed copy with the cell and notebook metadata of the source as it is now (slide types
    may have been added since it ran: they do not change what a cell prints)."""
    nb = nbformat.read(executed, as_version=4)
    current = nbformat.read(source, as_version=4)
    if [c.source for c in current.cells] == [c.source for c in nb.cells]:
        for cell, now in zip(nb.cells, current.cells):
            cell.metadata = now.metadata
        nb.metadata.update({k: v for k, v in current.metadata.items() if k != "widgets"})
    return nb


def execute(sources, jobs: int = JOBS, log=print, failed=None) -> dict[Path, Path]:
    """Execute every notebook in `sources` whose executed copy is stale; return {source: executed copy}.
    A notebook whose cell raised keeps what ran (its page shows the error): with a list as `failed`, its
    name and error are appended there; without, SystemExit names them."""
    sources = [Path(s).resolve() for s in sources]
    pkg = package_hash()
    todo = [s for s in sources if not _is_fresh(s, pkg)]
    startup = IPYTHON_DIR / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-alt-text.py").write_bytes(ALT_TEXT_HOOK.read_bytes())
    os.environ.update(HPO_MINI_PRACTICE_LOG="off", JUPYTER_PREFER_ENV_PATH="1", IPYTHONDIR=str(IPYTHON_DIR))
    os.environ.pop("HPO_COURSE_FULL", None)  # the quick mode, as in `make test` (a lesson's FULL runs more seeds)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    log(f"executing {len(todo)} of {len(sources)} notebooks ({len(sources) - len(todo)} up to date), {jobs} at a time")
    raise_at_end = failed is None
    failed = [] if failed is None else failed
    start = time.monotonic()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for source, seconds, error in pool.map(_run_one, [str(s) for s in todo], [pkg] * len(todo)):
            log(f"  {Path(source).relative_to(REPO)}: {seconds:.1f} s" + (f"  ERROR {error}" if error else ""))
            if error:
                failed.append(f"{source}: {error}")
    if todo:
        log(f"executed in {time.monotonic() - start:.1f} s")
    if failed and raise_at_end:
        raise SystemExit("cells raised in:\n" + "\n".join(failed))
    return {s: executed_path(s) for s in sources}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="default: lessons/*.ipynb")
    parser.add_argument("--jobs", type=int, default=JOBS)
    args = parser.parse_args(argv)
    execute(args.notebooks or sorted((REPO / "lessons").glob("*.ipynb")), jobs=args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
