"""The tree shapes of the fleet benchmark and their cache.

A shape is what bench_fleet_tree generates; a tree is one generated
directory, cached under the benchmark's directory by its parameters and
reused by later runs.
"""

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

MIB = 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Shape:
    name: str
    agents: int
    databases: int = 3
    size: int = 2048
    reports: int = 1
    content: str = "random"  # or "sql-gz"
    gzip_check: bool = False
    note: str = ""

    def key(self):
        """The cache directory name: every parameter that changes the tree."""
        gzip = "-gzip" if self.gzip_check else ""
        return (f"a{self.agents}-d{self.databases}-r{self.reports}-s{self.size}-"
                f"{self.content}{gzip}")

    def describe(self):
        content = "gzip SQL dump (one dump copied)" if self.content == "sql-gz" else "random bytes"
        checks = "sha256 + gzip" if self.gzip_check else "sha256"
        return (f"{self.agents:,} agents x {self.databases} db x {self.reports} report(s), "
                f"{human_bytes(self.size)} {content}, checks {checks}")


SHAPES = {
    "A": Shape("A", agents=2000, note="issue tree A: 6,000 small files"),
    "C": Shape("C", agents=20000, note="issue tree C: 10 x tree A"),
    "B": Shape("B", agents=40, size=16 * MIB, note="issue tree B: large files, sha256 only"),
    "G": Shape("G", agents=20, size=11_000_000, content="sql-gz", gzip_check=True,
               note="issue tree G: 60 copies of an ~11 MB .sql.gz, sha256 + gzip"),
    "D": Shape("D", agents=100000, databases=1, note="100,000 reports, one per agent: the memory figure"),
    # Tiny trees for the smoke test and for trying the driver out.
    "T": Shape("T", agents=6, reports=2, size=4096, note="tiny: two reports per agent"),
    "TG": Shape("TG", agents=3, databases=2, size=256 * 1024, content="sql-gz", gzip_check=True,
                note="tiny gzip tree"),
}

DEFAULT_TREES = ["A", "C", "B", "G", "D"]


def human_bytes(n):
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} B"


def parse_size(text):
    """`2048`, `2k`/`2KiB`, `16M`/`16MiB`, `1G`: bytes."""
    units = {"": 1, "k": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gib": 1 << 30}
    digits = text.rstrip("kKmMgGiIbB")
    unit = text[len(digits):].lower()
    if not digits.isdigit() or unit not in units:
        raise ValueError(f"not a size: {text!r} (bytes, or with k/M/G)")
    return int(digits) * units[unit]


def parse_tree(text):
    """`A`, or a shape with overrides `A:agents=500,size=4k`, or a new one
    `mine:agents=500,databases=2,size=1M,reports=1,content=sql-gz,gzip=1`."""
    name, _, overrides = text.partition(":")
    base = SHAPES.get(name, Shape(name, agents=0))
    if not overrides:
        if name not in SHAPES:
            raise ValueError(f"unknown tree {name!r}: one of {', '.join(SHAPES)} or NAME:agents=N,...")
        return base
    fields = {}
    for item in overrides.split(","):
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"tree {text!r}: {item!r} is not key=value")
        if key in ("agents", "databases", "reports"):
            fields[key] = int(value)
        elif key == "size":
            fields[key] = parse_size(value)
        elif key == "content":
            if value not in ("random", "sql-gz"):
                raise ValueError(f"tree {text!r}: content is random or sql-gz")
            fields[key] = value
        elif key == "gzip":
            fields["gzip_check"] = value in ("1", "yes", "true")
        else:
            raise ValueError(f"tree {text!r}: unknown parameter {key!r}")
    shape = dataclasses.replace(base, note="custom", **fields)
    if shape.agents <= 0:
        raise ValueError(f"tree {text!r}: needs agents=N")
    return shape


class Tree:
    """A generated tree: its directory and what tree.json says was written."""

    def __init__(self, shape, path):
        self.shape = shape
        self.path = path
        info = json.loads((path / "tree.json").read_text())
        self.now = info["now"]
        self.jobs = info["jobs"]
        self.reports = info["reports"]
        self.staged_files = info["staged_files"]
        self.staged_bytes = info["staged_bytes"]
        self.entries = self.jobs * shape.reports

    def first_staged_file(self):
        with open(self.path / "staged.list") as names:
            return self.path / names.readline().strip()


def ensure_tree(shape, cache, generator, log):
    """The tree of `shape` from the cache, generated first if absent or
    incomplete. Reports a previous run left archived are put back."""
    path = cache / shape.key()
    if (path / "tree.json").exists():
        restore(generator, path)
        return Tree(shape, path)
    partial = cache / (shape.key() + ".partial")
    for stale in (path, partial):
        if stale.exists():
            shutil.rmtree(stale)
    cache.mkdir(parents=True, exist_ok=True)
    log(f"generating tree {shape.name} ({shape.describe()}) in {path}")
    argv = [str(generator), "generate", "--out", str(partial), "--agents", str(shape.agents),
            "--databases", str(shape.databases), "--reports", str(shape.reports), "--size", str(shape.size),
            "--content", shape.content] + (["--gzip-check"] if shape.gzip_check else [])
    log(subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True).stdout.strip())
    partial.rename(path)
    return Tree(shape, path)


def restore(generator, path):
    """Moves archived reports back into log/; returns how many moved."""
    out = subprocess.run([str(generator), "restore", "--tree", str(path)], check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    return int(out.split()[0])


def write_config(generator, tree, url, config):
    subprocess.run([str(generator), "config", "--tree", str(tree.path), "--database-url", url,
                    "--output", str(config)], check=True)
