"""The databases a benchmark scan records into: a fresh SQLite file or a
fresh PostgreSQL database per scan, and the counts that check a scan."""

import re
import sqlite3
import subprocess
from pathlib import Path

# What a valid scan of a generated tree leaves: every job ok, every report
# used, one success entry per job and report.
COUNT_QUERIES = {
    "jobs": "SELECT current_status, COUNT(*) FROM expected_backup_jobs GROUP BY current_status",
    "reports": "SELECT fate, COUNT(*) FROM processed_reports GROUP BY fate",
    "entries": "SELECT status, COUNT(*) FROM backup_entries GROUP BY status",
}


class Sqlite:
    name = "sqlite"
    server_pid = None

    def __init__(self, work):
        self.work = work

    def fresh(self, label):
        """A URL for a database that does not exist yet."""
        path = self.work / f"{label}.db"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return SqliteDatabase(path)


class SqliteDatabase:
    def __init__(self, path):
        self.path = path
        self.url = f"sqlite3://db={path}"

    def counts(self, query):
        with sqlite3.connect(self.path) as db:
            return {str(k): v for k, v in db.execute(query)}

    def drop(self):
        pass


class Postgres:
    """Databases on one server, reached through `conninfo` (libpq key=value
    form without spaces inside values; its dbname is the one connected to
    for CREATE DATABASE). `server_pid`: the server's main process, when it
    runs here, to count its CPU time."""

    name = "postgresql"

    def __init__(self, conninfo, server_pid=None):
        self.conninfo = conninfo
        self.server_pid = server_pid

    def fresh(self, label):
        name = "bench_" + re.sub(r"[^a-z0-9_]", "_", label.lower())
        psql(self.conninfo, f"DROP DATABASE IF EXISTS {name}")
        psql(self.conninfo, f"CREATE DATABASE {name}")
        return PostgresDatabase(self.conninfo, name)


class PostgresDatabase:
    def __init__(self, admin_conninfo, name):
        self.admin_conninfo = admin_conninfo
        self.name = name
        self.conninfo = with_dbname(admin_conninfo, name)
        self.url = "postgresql://" + self.conninfo

    def counts(self, query):
        rows = psql(self.conninfo, query).splitlines()
        return {k: int(v) for k, v in (row.split("|") for row in rows if row)}

    def drop(self):
        psql(self.admin_conninfo, f"DROP DATABASE IF EXISTS {self.name}")


def with_dbname(conninfo, name):
    fields = [f for f in conninfo.split() if not f.startswith("dbname=")]
    return " ".join(fields + [f"dbname={name}"])


def psql(conninfo, sql):
    return subprocess.run(["psql", "-X", "-q", "-At", "-F", "|", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql],
                          check=True, capture_output=True, text=True).stdout


class PgServer:
    """The throwaway server of tests/support/pg-server, in `directory`,
    stopped on leaving the `with` block whatever happens. `socket`: connect
    through its Unix socket rather than TCP on loopback."""

    def __init__(self, script, directory, socket=True):
        self.script = script
        self.directory = directory
        self.socket = socket
        self.conninfo = None

    def __enter__(self):
        self.stop()
        if self.directory.exists():
            subprocess.run(["rm", "-rf", str(self.directory)], check=True)
        out = subprocess.run([str(self.script), "start", str(self.directory)], check=True,
                             capture_output=True, text=True).stdout
        match = re.search(r"VIGIL_TEST_PG='([^']*)'", out)
        if not match:
            self.stop()
            raise RuntimeError(f"pg-server start printed no connection string: {out!r}")
        conninfo = match.group(1)
        if self.socket:
            conninfo = re.sub(r"host=\S+", f"host={self.directory.resolve()}", conninfo)
        self.conninfo = conninfo
        return self

    def pid(self):
        return int((self.directory / "data" / "postmaster.pid").read_text().split()[0])

    def stop(self):
        subprocess.run([str(self.script), "stop", str(self.directory)], capture_output=True)

    def __exit__(self, *exc):
        self.stop()
        return False
