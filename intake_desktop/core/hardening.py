"""Keep the process's memory out of files and other processes' reach.

An unlocked vault's master key, the identity's secret keys and the case on
screen live in this process's memory. A crash (a Qt abort, a segfault in a
native library) would otherwise let the system write that memory to disk as
a core dump (``./core``, systemd-coredump, apport), where it outlives the
session in plaintext. So, at start, before anything secret is loaded:

* ``RLIMIT_CORE`` is set to 0, soft and hard (children inherit it; the hard
  limit cannot be raised again);
* on Linux, ``PR_SET_DUMPABLE`` is cleared, which also stops other processes
  of the same user from attaching a debugger (ptrace) to read memory.

Both are best effort: a platform without them keeps working, and what is
left (swap, hibernation files, a root-level attacker) is in
docs/threat-model.md.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_PR_SET_DUMPABLE = 4


def harden_process() -> None:
    try:
        import resource
    except ImportError:  # Windows: no core files to limit
        pass
    else:
        try:
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        except (OSError, ValueError):
            log.warning("could not disable core dumps")
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
                log.warning("could not mark the process as not dumpable")
        except (OSError, AttributeError):
            log.warning("could not mark the process as not dumpable")
