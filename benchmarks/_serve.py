"""What the benchmarks that start ``chatrecap serve`` share: a free loopback port, waiting
for the server's first answer, and the CPU time it used (with its workers)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> bytes:
    """The body of the first answer from ``url``; an error if ``process`` stops first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} after {seconds:.0f} s")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its descendants (uvicorn's and gunicorn's workers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    family, changed = {pid}, True
    while changed:
        grown = family | {p for p, parent in parents.items() if parent in family}
        changed, family = grown != family, grown
    return sum(times.get(p, 0.0) for p in family)
