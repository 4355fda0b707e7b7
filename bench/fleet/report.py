"""The fleet benchmark's results and their Markdown tables: the scans beside
sha256sum, the ratios between them, concurrent scanners, the hardware bounds
and the issue's targets."""

import dataclasses
import datetime
import os
import platform
import re
import subprocess
from pathlib import Path

MIB = 1024 * 1024


@dataclasses.dataclass
class Attempt:
    load: float         # 1-minute load average before it
    fsync_ms: float     # a 4 KiB write + fdatasync where the SQLite databases are, just before it
    sha: object         # the sha256sum Group
    scan: object        # the vigil scan Group
    problems: list


class Row:
    """One build of vigil on one tree and backend: the best of its attempts."""

    def __init__(self, build, tree, backend):
        self.build = build
        self.tree = tree
        self.backend = backend
        self.attempts = []

    def add(self, attempt):
        self.attempts.append(attempt)

    @property
    def best(self):
        return min(self.attempts, key=lambda a: a.scan.wall)

    @property
    def best_scan(self):
        return self.best.scan

    @property
    def best_sha(self):
        return min((a.sha for a in self.attempts), key=lambda g: g.wall)

    @property
    def vigil(self):
        return self.best_scan.wall

    @property
    def sha256sum(self):
        return self.best_sha.wall

    @property
    def rss_mib(self):
        return max(a.scan.runs[0].max_rss_kib for a in self.attempts) / 1024

    @property
    def load(self):
        return max(a.load for a in self.attempts)

    @property
    def mib_s(self):
        return self.tree.staged_bytes / MIB / self.vigil

    @property
    def problems(self):
        return [p for a in self.attempts for p in a.problems]

    @property
    def cpu(self):
        """vigil's user + system seconds in each attempt."""
        return [a.scan.runs[0].cpu for a in self.attempts]

    @property
    def server_cpu(self):
        """The database server's CPU seconds in each attempt, when known."""
        return [a.scan.server_cpu for a in self.attempts if a.scan.server_cpu is not None]


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class Concurrent:
    """One scanner, then `scanners` at once, on the same tree and server."""

    def __init__(self, build, tree, backend, scanners):
        self.build = build
        self.tree = tree
        self.backend = backend
        self.scanners = scanners
        self.groups = {1: [], scanners: []}
        self.loads = []
        self.problems = []

    def add(self, count, load, scan, problems):
        self.groups[count].append(scan)
        self.loads.append(load)
        self.problems += problems

    def best(self, count):
        return min(self.groups[count], key=lambda g: g.wall)

    def rss_mib(self, count):
        return max(r.max_rss_kib for g in self.groups[count] for r in g.runs) / 1024

    @property
    def ratio(self):
        return self.best(self.scanners).wall / self.best(1).wall


@dataclasses.dataclass
class Bounds:
    sha256_one_core: float   # MiB/s, openssl speed
    sha256_two_cores: float  # MiB/s, openssl speed -multi 2
    dump: object
    dump_bytes: int
    igzip_seconds: float     # igzip -t on the dump, best run
    gzip_seconds: float      # gzip -t on the dump, best run

    @property
    def igzip_mib_s(self):
        return self.dump_bytes / MIB / self.igzip_seconds

    @property
    def gzip_mib_s(self):
        return self.dump_bytes / MIB / self.gzip_seconds

    def tree_g(self, inflate_mib_s):
        """Staged MiB/s two cores reach when each staged byte is hashed once
        and inflated once, the two costs adding up on a core and the files
        shared between two cores with nothing else to do."""
        return 2 / (1 / self.sha256_one_core + 1 / inflate_mib_s)


def machine(root, sqlite_dir):
    """What the figures were measured on, as (name, text) pairs."""
    def first(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"

    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    mem = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    os_name = re.search(r'PRETTY_NAME="(.*)"', Path("/etc/os-release").read_text())
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return [
        ("CPU", f"{cpu.group(1) if cpu else '?'}, {os.cpu_count()} cores"),
        ("memory", f"{int(mem.group(1)) // 1024 // 1024 if mem else '?'} GiB"),
        ("system", f"{os_name.group(1) if os_name else '?'}, Linux {platform.release()}"),
        ("trees on", first(["findmnt", "-n", "-o", "FSTYPE,SOURCE", "-T", str(root)])),
        ("SQLite databases on", f"{sqlite_dir} ({first(['findmnt', '-n', '-o', 'FSTYPE,SOURCE', '-T', str(sqlite_dir)])})"),
        ("tools", "; ".join([
            "SQLite " + first(["sqlite3", "--version"]).split(" ")[0],
            first([str(pg_bin[-1]), "--version"]) if pg_bin else "no PostgreSQL server",
            first(["openssl", "version"]).split(" (")[0],
            first(["dpkg-query", "-W", "-f", "isal ${Version}", "isal"]),
            first(["sha256sum", "--version"]),
        ])),
    ]


def _check(problems):
    return "ok" if not problems else "**INVALID**: " + "; ".join(sorted(set(problems)))


class Results:
    def __init__(self, machine, builds, args):
        self.machine = machine
        self.builds = builds
        self.args = args
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self.rows = []
        self.concurrent = []
        self.bounds = None
        self.failures = []

    def valid(self):
        return (not any(r.problems for r in self.rows) and not any(c.problems for c in self.concurrent)
                and not self.failures)

    def row(self, tree_name, backend, build="current"):
        for r in self.rows:
            if r.tree.shape.name == tree_name and r.backend == backend and r.build == build:
                return r
        return None

    def markdown(self):
        lines = [f"## Fleet benchmark, {self.started:%Y-%m-%d %H:%M} UTC", ""]
        lines += [f"- {k}: {v}" for k, v in self.machine]
        lines += [f"- vigil {b.label}: {b.description}, {b.vigil}" for b in self.builds]
        priority = "" if self.args.priority is None else f"scheduling group niceness {self.args.priority}; "
        lines += [f"- best of {self.args.repeat} run(s) per figure; {priority}"
                  f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}", ""]
        lines += (self._scan_table() + self._ratios() + self._cpu() + self._concurrent() + self._bounds() +
                  self._targets())
        if self.failures:
            lines += ["", "**Failures:**", ""] + [f"- {f}" for f in self.failures]
        return "\n".join(lines) + "\n"

    def _scan_table(self):
        lines = ["| tree | backend | vigil | files | staged MiB | vigil s | sha256sum s | vigil / sha256sum | MiB/s "
                 "| peak RSS MiB | vigil CPU s | PG CPU s | others % | load | fsync ms | check |",
                 "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|"]
        for r in self.rows:
            scan, sha = r.best_scan, r.best_sha
            server = f"{scan.server_cpu:.2f}" if scan.server_cpu is not None else ""
            lines.append(f"| {r.tree.shape.name} | {r.backend} | {r.build} | {r.tree.staged_files:,} | "
                         f"{r.tree.staged_bytes / MIB:,.1f} | {r.vigil:.3f} | {r.sha256sum:.3f} | "
                         f"{r.vigil / r.sha256sum:.2f} | {r.mib_s:,.0f} | {r.rss_mib:,.1f} | "
                         f"{scan.runs[0].cpu:.2f} | {server} | {scan.others:.0%} / {sha.others:.0%} | "
                         f"{r.load:.2f} | {r.best.fsync_ms:.1f} | {_check(r.problems)} |")
        if self.rows:
            lines += ["", "Trees:"] + [f"- {s.name}: {s.describe()}" for s in self._shapes()]
        return lines

    def _shapes(self):
        seen = []
        for r in self.rows:
            if r.tree.shape not in seen:
                seen.append(r.tree.shape)
        return seen

    def _ratios(self):
        lines = []
        for build in (b.label for b in self.builds):
            for backend in ("sqlite", "postgresql"):
                a, c = self.row("A", backend, build), self.row("C", backend, build)
                if a and c:
                    lines.append(f"- {build}, tree C / tree A, {backend}: vigil {c.vigil / a.vigil:.2f} "
                                 f"(sha256sum {c.sha256sum / a.sha256sum:.2f})")
            for tree in ("A", "C", "D"):
                s, p = self.row(tree, "sqlite", build), self.row(tree, "postgresql", build)
                if s and p:
                    lines.append(f"- {build}, tree {tree}, PostgreSQL / SQLite: {p.vigil / s.vigil:.2f}")
        for r in self.rows:
            before = self.row(r.tree.shape.name, r.backend, "baseline") if r.build == "current" else None
            if before:
                lines.append(f"- tree {r.tree.shape.name}, {r.backend}: speed-up (baseline s / current s) "
                             f"{before.vigil / r.vigil:.2f}; peak RSS {before.rss_mib:,.1f} -> {r.rss_mib:,.1f} MiB")
        return ["", "Ratios:", ""] + lines if lines else []

    def _cpu(self):
        """CPU time of every attempt: the builds took turns, so their medians
        compare even when the machine's other load changed meanwhile."""
        if self.args.repeat < 2:
            return []
        lines = ["", "CPU time, every run (user + system seconds; the builds took turns run by run):", "",
                 "| tree | backend | vigil | vigil CPU s: median (min - max) | runs | PG CPU s: median "
                 "| vigil + PG CPU s: median | current / baseline, vigil CPU median | vigil + PG |",
                 "|---|---|---|--:|---|--:|--:|--:|--:|"]
        for r in self.rows:
            server = r.server_cpu
            total = [c + s for c, s in zip(r.cpu, server)] if server else []
            before = self.row(r.tree.shape.name, r.backend, "baseline") if r.build == "current" else None
            ratio = f"{median(r.cpu) / median(before.cpu):.3f}" if before else ""
            before_total = [c + s for c, s in zip(before.cpu, before.server_cpu)] if before and total else []
            ratio_total = f"{median(total) / median(before_total):.3f}" if before_total else ""
            lines.append(f"| {r.tree.shape.name} | {r.backend} | {r.build} | {median(r.cpu):.3f} "
                         f"({min(r.cpu):.3f} - {max(r.cpu):.3f}) | {', '.join(f'{c:.2f}' for c in r.cpu)} | "
                         f"{f'{median(server):.3f}' if server else ''} | {f'{median(total):.3f}' if total else ''} | "
                         f"{ratio} | {ratio_total} |")
        return lines

    def _concurrent(self):
        lines = []
        for c in self.concurrent:
            lines += ["", f"Concurrent scanners, vigil {c.build}, tree {c.tree.shape.name} on one {c.backend} "
                          "database:", "",
                      "| scanners | wall s | vigil CPU s (all scanners) | PG CPU s | peak RSS MiB (largest scanner) "
                      "| others % |", "|--:|--:|--:|--:|--:|--:|"]
            for count in (1, c.scanners):
                g = c.best(count)
                server = f"{g.server_cpu:.2f}" if g.server_cpu is not None else ""
                lines.append(f"| {count} | {g.wall:.3f} | {sum(r.cpu for r in g.runs):.2f} | {server} | "
                             f"{c.rss_mib(count):,.1f} | {g.others:.0%} |")
            lines += ["", f"- {c.scanners} scanners / 1 scanner: {c.ratio:.2f}; load {max(c.loads):.2f}; "
                          f"check {_check(c.problems)}"]
        return lines

    def _bounds(self):
        b = self.bounds
        if b is None:
            return []
        return ["", "Bounds (one process per core, nothing else done):", "",
                f"- OpenSSL SHA-256, 1 MiB blocks: one core {b.sha256_one_core:,.0f} MiB/s; two cores "
                f"(`openssl speed -multi 2`) {b.sha256_two_cores:,.0f} MiB/s; 2 x one core "
                f"{2 * b.sha256_one_core:,.0f} MiB/s",
                f"- inflate of the tree G dump ({b.dump_bytes / MIB:.1f} MiB), one core: `igzip -t` (ISA-L) "
                f"{b.igzip_seconds:.3f} s = {b.igzip_mib_s:,.0f} MiB/s; `gzip -t` (zlib) {b.gzip_seconds:.3f} s "
                f"= {b.gzip_mib_s:,.0f} MiB/s",
                f"- tree G on two cores, SHA-256 + inflate of every staged byte, 2 / (1/sha256 + 1/inflate): "
                f"ISA-L {b.tree_g(b.igzip_mib_s):,.0f} MiB/s; zlib {b.tree_g(b.gzip_mib_s):,.0f} MiB/s"]

    def _targets(self):
        """The issue's targets, measured here; the verdict is information,
        not a test."""
        targets = []
        a_sqlite, a_pg = self.row("A", "sqlite"), self.row("A", "postgresql")
        if a_sqlite:
            targets.append(("tree A, SQLite: vigil / sha256sum <= 1.0", f"{a_sqlite.vigil / a_sqlite.sha256sum:.2f}",
                            a_sqlite.vigil <= a_sqlite.sha256sum))
        if a_sqlite and a_pg:
            targets.append(("tree A: PostgreSQL <= 2 x SQLite", f"{a_pg.vigil / a_sqlite.vigil:.2f}",
                            a_pg.vigil <= 2 * a_sqlite.vigil))
        for backend in ("sqlite", "postgresql"):
            a, c, d = self.row("A", backend), self.row("C", backend), self.row("D", backend)
            if a and c:
                targets.append((f"tree C / tree A <= 10.5, {backend}", f"{c.vigil / a.vigil:.2f}",
                                c.vigil <= 10.5 * a.vigil))
            if d:
                targets.append((f"peak RSS <= 64 MiB at 100,000 reports (tree D: {d.tree.reports:,}), {backend}",
                                 f"{d.rss_mib:.1f} MiB", d.rss_mib <= 64))
        current = [r for r in self.rows if r.build == "current"]
        for b in (r for r in current if r.tree.shape.name == "B"):
            goal = 3000
            text = f">= {goal:,} MiB/s"
            if self.bounds:
                goal = max(goal, 0.9 * 2 * self.bounds.sha256_one_core)
                text += f" and >= 90 % of 2 x one core's OpenSSL ({goal:,.0f})"
            targets.append((f"tree B, {b.backend}: {text}", f"{b.mib_s:,.0f} MiB/s", b.mib_s >= goal))
        for g in (r for r in current if r.tree.shape.name == "G"):
            text = ">= 420 MiB/s"
            if self.bounds:
                text += f" (90 % of the ISA-L + OpenSSL bound: {0.9 * self.bounds.tree_g(self.bounds.igzip_mib_s):,.0f})"
            targets.append((f"tree G, {g.backend}: {text}", f"{g.mib_s:,.0f} MiB/s", g.mib_s >= 420))
        for c in self.concurrent:
            if c.build == "current" and c.tree.shape.name == "C" and c.scanners == 4:
                targets.append(("4 scanners on tree C <= 0.6 x one", f"{c.ratio:.2f}", c.ratio <= 0.6))
        if not targets:
            return []
        return ["", "Targets of the issue, vigil current (information, not a test):", "", "| target | measured | met |",
                "|---|--:|---|"] + [f"| {t} | {m} | {'yes' if ok else 'no'} |" for t, m, ok in targets]
