"""The vigil builds a benchmark run measures: this source tree in a Release
build of its own, an existing build tree, or a baseline revision exported
from git and built beside it, so that before and after are timed in the
same run."""

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path


@dataclasses.dataclass
class Build:
    label: str        # "current" or "baseline"
    path: Path        # the build tree; vigil is bin/vigil
    description: str  # what source it was built from

    @property
    def vigil(self):
        return self.path / "bin" / "vigil"


def _git(root, *args):
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout.strip()


def _release(source, build, log, extra=()):
    if not (build / "CMakeCache.txt").exists():
        subprocess.run(["cmake", "-S", str(source), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                        "-DBUILD_TESTING=OFF", *extra], check=True, stdout=subprocess.DEVNULL)
    log(f"building the Release tree {build}")
    subprocess.run(["cmake", "--build", str(build), "-j", os.environ.get("JOBS", "2")], check=True,
                   stdout=subprocess.DEVNULL)


def current(root, bench_dir, existing, log):
    """This source tree: `existing` when given, else its Release build
    under `bench_dir` (which also builds bench_fleet_tree)."""
    description = f"{_git(root, 'describe', '--always', '--dirty')} ({_git(root, 'log', '-1', '--format=%s')})"
    if existing:
        return Build("current", existing.resolve(), description)
    build = bench_dir / "release"
    _release(root, build, log)
    return Build("current", build, description)


def baseline(root, bench_dir, revision, log):
    """`revision` of this repository, exported with `git archive` (the
    repository itself is left alone) and built in Release under `bench_dir`."""
    commit = _git(root, "rev-parse", "--verify", f"{revision}^{{commit}}")
    home = bench_dir / "baseline" / commit[:12]
    source = home / "src"
    if not (source / "CMakeLists.txt").exists():
        shutil.rmtree(home, ignore_errors=True)
        source.mkdir(parents=True)
        log(f"exporting baseline {commit[:12]} into {source}")
        archive = subprocess.Popen(["git", "-C", str(root), "archive", commit], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(source)], stdin=archive.stdout, check=True)
        if archive.wait() != 0:
            raise RuntimeError(f"git archive {commit} failed")
    _release(source, home / "build", log, ["-DVIGIL_BUILD_BENCHMARKS=OFF"])
    return Build("baseline", home / "build", f"{commit[:12]} ({_git(root, 'log', '-1', '--format=%s', commit)})")
