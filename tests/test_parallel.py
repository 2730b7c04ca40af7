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


def test_forked_workers_give_each_result_in_order():
    """Run in a fresh process, as above: the items reach the workers by fork, not pickled."""
    script = """
from chatrecap import parallel

items = [(k, lambda k=k: k * k) for k in range(7)]  # lambdas: would not pickle
assert list(parallel.forked_imap(lambda item: item[1](), items)) == [k * k for k in range(7)]
assert parallel._shared is None
"""
    subprocess.run([sys.executable, "-c", script], check=True)
