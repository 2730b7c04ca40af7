"""Work handed to another process: the same result as done here, no fork from a fork, a
forked child gone once its result is in, a fresh process fed by pickle."""

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


#: For the scripts below: the message of the ``kind`` of error ``call()`` raises (else a failure).
RAISED = """
def raised(call, kind):
    try:
        call()
    except kind as error:
        return str(error)
    raise AssertionError(f"no {kind.__name__}")
"""


def test_a_background_child_ends_as_soon_as_its_result_is_in():
    """Its result is taken while this process goes on, so it does not stay (holding the pages it
    copied) until asked for it; what it raised is raised where it is asked for."""
    script = RAISED + """
import multiprocessing, time
from chatrecap.parallel import in_background

wait = in_background(sum, [1, 2, 3])
give_up = time.monotonic() + 30
while multiprocessing.active_children() and time.monotonic() < give_up:
    time.sleep(0.05)
assert not multiprocessing.active_children()
assert wait() == 6
assert "seven" in raised(in_background(int, "seven"), ValueError)
"""
    subprocess.run([sys.executable, "-c", script], check=True)


def test_a_fresh_process_runs_the_call_it_is_sent():
    """Its modules imported first, the call sent pickled, the result (or the error) taken here;
    what is posted after the call reaches it, what it tells comes back before its result; a
    call that cannot be sent leaves a clear error, not a hang."""
    script = RAISED + """
import sys

from chatrecap.parallel import PIPE_SIZE, FreshProcess

fresh = FreshProcess("fractions")
fresh.send(divmod, 17, 5)
assert fresh.result() == (3, 2)

fresh = FreshProcess()
fresh.send(int, "seven")
assert "seven" in raised(fresh.result, ValueError)

fresh = FreshProcess()  # (a call and a result many times the pipe's length go through whole)
if sys.platform.startswith("linux"):  # (widened, where the system's limit lets it)
    import fcntl

    with open("/proc/sys/fs/pipe-max-size") as limit:
        if int(limit.read()) >= PIPE_SIZE:
            assert fcntl.fcntl(fresh._process.stdin.fileno(), fcntl.F_GETPIPE_SZ) == PIPE_SIZE
fresh.send(bytes.upper, b"x" * (9 << 20) + b"y")
assert fresh.result() == b"X" * (9 << 20) + b"Y"

# What this process posts after the call reaches it in order, when it asks (more than the pipe
# holds, posted while the call is still being written); asking for more than was posted fails.
fresh = FreshProcess()
fresh.send(eval, "[__import__('chatrecap.parallel').parallel.posted() for _ in range(2)]", {}, {})
fresh.post(b"z" * (3 << 20))
fresh.post({"second": 2})
assert fresh.result() == [b"z" * (3 << 20), {"second": 2}]
fresh = FreshProcess()
fresh.send(eval, "[__import__('chatrecap.parallel').parallel.posted() for _ in range(2)]", {}, {})
fresh.post(1)
raised(fresh.result, EOFError)
from chatrecap.parallel import posted
assert "FreshProcess" in raised(posted, RuntimeError)

# What the call tells comes back ahead of its result, in order; what is not asked for is passed
# over; asking a call that tells nothing gives its error, or says it told nothing.
from chatrecap.parallel import ProcessLost, tell
fresh = FreshProcess()
fresh.send(eval, "[__import__('chatrecap.parallel').parallel.tell(k) for k in range(3)] and 'done'", {}, {})
assert (fresh.told(), fresh.told()) == (0, 1)
assert fresh.result() == "done"
fresh = FreshProcess()
fresh.send(int, "8")
raised(fresh.told, ProcessLost)
assert fresh.result() == 8
fresh = FreshProcess()
fresh.send(int, "x")
raised(fresh.told, ValueError)
raised(fresh.result, ValueError)
assert "FreshProcess" in raised(lambda: tell(1), RuntimeError)

fresh = FreshProcess()
raised(lambda: fresh.send(lambda: 1), Exception)  # (a lambda does not pickle)
assert "without a result" in raised(fresh.result, RuntimeError)
fresh.stop()
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
