"""Undo every step of a task and die by SIGKILL half way through writing the Nth file (run as a subprocess).

    python -m undo_crash <data dir> <task id> <N>

A test helper: it wraps ``Workspace.write_bytes`` so that the Nth write sends half of
its bytes to the temporary file and then kills the process, as a crash would.
"""

from __future__ import annotations

import os
import signal
import sys

from smallclaw_core import Workspace
from smallclaw_core.app import App
from smallclaw_core.undo import undo


def main() -> None:
    home, task_id, fatal = sys.argv[1], sys.argv[2], int(sys.argv[3])
    original = Workspace.write_bytes
    writes = [0]

    def write_bytes(self, path, data, **kwargs):
        writes[0] += 1
        if writes[0] < fatal:
            return original(self, path, data, **kwargs)
        whole = bytes(data) if isinstance(data, (bytes, bytearray)) else b"".join(data)

        def half_then_die():
            yield whole[: max(1, len(whole) // 2)]
            os.kill(os.getpid(), signal.SIGKILL)

        return original(self, path, half_then_die(), **kwargs)

    Workspace.write_bytes = write_bytes
    undo(App.load(home, only=["runner", "shell_tools"]), task_id, everything=True)


if __name__ == "__main__":
    main()
