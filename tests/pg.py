"""A throwaway PostgreSQL server for the tests: initdb in a temporary folder, one port.

The server binaries come from the ``postgresql`` package (Debian puts them in
``/usr/lib/postgresql/<version>/bin``) or from PATH. PostgreSQL refuses to run as root, so
when the tests run as root the server runs as the ``postgres`` system user (via runuser)
in a folder that user owns.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

TOOLS = ("initdb", "pg_ctl", "postgres")
SERVER_USER = "postgres"
#: A role that must give its password (scram) over TCP; every other role is trusted.
PASSWORD_ROLE = "chatrecap_pw"
PASSWORD = "right-horse-battery"


class PostgresUnavailable(RuntimeError):
    """The server cannot be found or started; the message says what to do."""


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path.parent.name)) or (0,)


def find_bin_dir() -> Path:
    """The folder holding initdb, pg_ctl and postgres (the newest installed version)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key,
                        reverse=True)
    for folder in candidates:
        if all((folder / tool).is_file() for tool in TOOLS):
            return folder
    found = shutil.which("pg_ctl")
    if found:
        folder = Path(found).resolve().parent
        if all((folder / tool).is_file() for tool in TOOLS):
            return folder
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in "
        "/usr/lib/postgresql/*/bin or on PATH; install them (apt-get install -y postgresql).")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One running server; :meth:`create_database` gives each test its own database."""

    def __init__(self) -> None:
        self.bin = find_bin_dir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                self.user = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PostgresUnavailable(
                    f"The tests run as root, and PostgreSQL will not; the '{SERVER_USER}' "
                    "system user it would run as does not exist (installing the postgresql "
                    "package creates it).") from None
        self.base = Path(tempfile.mkdtemp(prefix="chatrecap-pg-"))
        if self.as_root:
            os.chown(self.base, self.user.pw_uid, self.user.pw_gid)
        self.data = self.base / "data"
        self.sockets = self.base / "sockets"
        self.log = self.base / "server.log"
        self.port = 0
        self._databases = 0
        self.running = False

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        result = subprocess.run(command, cwd=self.base, capture_output=True, text=True,
                                timeout=60, check=False)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}"
                f"{result.stderr}{log}")
        return result

    def start(self) -> None:
        if self.as_root:
            os.makedirs(self.sockets)
            os.chown(self.sockets, self.user.pw_uid, self.user.pw_gid)
        else:
            self.sockets.mkdir()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        # Trust everyone but PASSWORD_ROLE over TCP, so a wrong password is really refused.
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            f"host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 trust\n")
        for attempt in range(3):
            self.port = free_port()
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write(
                    f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                    f"unix_socket_directories = '{self.sockets}'\n"
                    "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                    "max_connections = 40\n")
            try:
                self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log),
                          "-w", "-t", "30")
                break
            except PostgresUnavailable:
                if attempt == 2:  # the port may have been taken meanwhile; try another
                    raise
        self.running = True
        self.admin(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{PASSWORD}'")

    def url(self, database: str = "postgres", user: str = "postgres",
            password: str | None = None, port: int | None = None) -> str:
        auth = f"{user}:{password}" if password is not None else user
        return f"postgresql://{auth}@127.0.0.1:{port or self.port}/{database}"

    def admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(statement)

    def create_database(self, owner: str = "postgres") -> str:
        """A new empty database (owned by ``owner``, who may create tables); its name."""
        self._databases += 1
        name = f"t_{self._databases}"
        self.admin(f"CREATE DATABASE {name} OWNER {owner}")
        return name

    def stop(self) -> None:
        try:
            if self.running:
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")
                self.running = False
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
