"""Work handed to a forked process: the same result as done here, and no fork from a fork."""

from __future__ import annotations

import subprocess
import sys


def test_a_forked_worker_does_not_fork_again():
    """Run in a fresh process (forking is only done where no other thread runs): the
    worker's own ``soon`` works inline, as a pool's daemonic worker may not have children."""
    script = """
import os
from chatrecap.parallel import can_fork, in_background, soon

assert can_fork() == ((os.cpu_count() or 1) > 1)
inner = lambda: soon(lambda x: (x * 2, can_fork()), 21, background=True)()
assert in_background(inner)() == (42, False)
assert soon(sum, [1, 2, 3], background=True)() == 6
"""
    subprocess.run([sys.executable, "-c", script], check=True)
