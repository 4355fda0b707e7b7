"""Timing commands (wall clock, CPU time and peak RSS from wait4) and the
hardware bounds the scan is compared with."""

import dataclasses
import os
import re
import signal
import statistics
import subprocess
import sys
import time

MIB = 1024 * 1024


@dataclasses.dataclass
class Run:
    status: int        # exit status; 128 + N when killed by signal N
    wall: float        # seconds, from start to exit
    cpu: float         # user + system seconds of the process and its waited-for children
    max_rss_kib: int   # peak resident set of the process or its largest child
    out: str = ""      # standard output, when captured


def _finish(process, started):
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    code = process.returncode if process.returncode >= 0 else 128 - process.returncode
    return Run(code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


@dataclasses.dataclass
class Group:
    """Commands run together, and what else the machine did meanwhile."""
    runs: list
    wall: float                # from the first start to the last exit
    server_cpu: float = None   # CPU seconds of the database server meanwhile, when known
    others: float = 0.0        # share of all cores busy with other work meanwhile (0..1)


def timed(argv, cwd, stdout=None, stderr=None):
    """Runs `argv` once. stdout/stderr: a path to write the stream to, or
    None for /dev/null; a stdout path's text is returned in Run.out."""
    return timed_together([argv], cwd, [stdout], [stderr])


def timed_together(commands, cwd, stdouts, stderrs, server_pid=None):
    """Starts every command at once and waits for all. `server_pid`: a
    database server whose CPU time counts as the commands' own work."""
    files = []
    busy = machine_busy_seconds()
    server = server_cpu_seconds(server_pid) if server_pid else None
    try:
        processes = []
        started = time.perf_counter()
        for argv, out, err in zip(commands, stdouts, stderrs):
            out_file = open(out, "w") if out else subprocess.DEVNULL
            err_file = open(err, "w") if err else subprocess.DEVNULL
            files += [f for f in (out_file, err_file) if f is not subprocess.DEVNULL]
            processes.append(subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out_file,
                                              stderr=err_file))
        runs = [_finish(p, started) for p in processes]
        group = Group(runs, time.perf_counter() - started)
        busy = machine_busy_seconds() - busy
    finally:
        for f in files:
            f.close()
    if server_pid:
        time.sleep(0.1)  # the server reaps the scan's connection process
        group.server_cpu = server_cpu_seconds(server_pid) - server
    own = sum(r.cpu for r in runs) + (group.server_cpu or 0)
    # /proc/stat counts in clock ticks (10 ms): meaningless for runs of a
    # few ticks, hence the clamp.
    group.others = min(1.0, max(0.0, busy - own) / ((os.cpu_count() or 1) * group.wall))
    for run, out in zip(runs, stdouts):
        if out:
            with open(out) as f:
                run.out = f.read()
    return group


def openssl_sha256_mib_s(cores):
    """OpenSSL's SHA-256 speed on 1 MiB blocks, over `cores` processes
    (`openssl speed -multi`), in MiB/s."""
    argv = ["openssl", "speed", "-evp", "sha256", "-bytes", "1048576", "-seconds", "2"]
    if cores > 1:
        argv[2:2] = ["-multi", str(cores)]
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    rates = re.findall(r"^sha256\s+([0-9.]+)k\s*$", out, re.MULTILINE)
    if not rates:
        raise RuntimeError(f"no sha256 rate in the output of {' '.join(argv)}:\n{out}")
    return float(rates[-1]) * 1000 / MIB


def best_seconds(argv, min_total=2.0, min_runs=5):
    """The fastest of repeated runs of `argv` (each must exit 0), repeated
    until `min_runs` runs and `min_total` seconds have passed."""
    runs = []
    while len(runs) < min_runs or sum(runs) < min_total:
        run = timed(argv, cwd=None).runs[0]
        if run.status != 0:
            raise RuntimeError(f"{' '.join(argv)} exited with status {run.status}")
        runs.append(run.wall)
    return min(runs)


def fsync_latency_ms(directory, writes=20):
    """Median time of a 4 KiB write followed by fdatasync in `directory`:
    the least each SQLite commit there waits for the disk."""
    path = os.path.join(directory, ".fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    times = []
    try:
        for i in range(writes):
            started = time.perf_counter()
            os.pwrite(fd, bytes(4096), i * 4096)
            os.fdatasync(fd)
            times.append(time.perf_counter() - started)
    finally:
        os.close(fd)
        os.unlink(path)
    return statistics.median(times) * 1000


def load_average():
    return os.getloadavg()[0]


_TICK = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds():
    """CPU seconds all cores have spent on anything but idling since boot
    (steal included: time the hypervisor gave to other machines)."""
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / _TICK


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()  # fields from the 3rd (state) on


def server_cpu_seconds(pid):
    """CPU seconds of a server process and all its children so far: its
    own, those of children it has reaped, and those of its live children."""
    fields = _stat_fields(pid)
    total = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            child = _stat_fields(entry.name)
        except OSError:
            continue
        if child[1] == str(pid):
            total += int(child[11]) + int(child[12])
    return total / _TICK


def set_group_niceness(pid, nice):
    """Gives the scheduling group of `pid`'s session (the kernel's
    autogroup) niceness `nice`; without autogroups, the process's own."""
    try:
        with open(f"/proc/{pid}/autogroup", "w") as f:
            f.write(str(nice))
    except FileNotFoundError:
        os.setpriority(os.PRIO_PROCESS, pid, nice)


def own_scheduling_group(nice):
    """Continues in a child in a session of its own whose scheduling group
    has niceness `nice`; the parent waits for it, passing on SIGINT and
    SIGTERM, and exits with its status. With autogroups a process's own
    niceness only weighs against its own session, so this is what lets the
    benchmark go before other sessions' work."""
    child = os.fork()
    if child == 0:
        os.setsid()
        set_group_niceness(os.getpid(), nice)
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda number, _: os.kill(child, number))
    _, status = os.waitpid(child, 0)
    sys.exit(os.waitstatus_to_exitcode(status))
