"""Child processes that must not outlive the worker that started them."""
from __future__ import annotations

import ctypes
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """A `preexec_fn`: the kernel sends the child SIGTERM when its parent dies, so an engine or a
    light-jobs companion stops (an engine checkpoints first) instead of running on as an orphan."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass
