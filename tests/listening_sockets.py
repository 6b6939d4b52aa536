"""Which process listens on a port, read from /proc (the viewer must not be the kiosk's)."""

from __future__ import annotations

import os


def listens_on(port: int, pid: int | str = "self") -> bool:
    """Whether process ``pid`` itself has a TCP socket listening on ``port``."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    listening.add(f"socket:[{fields[9]}]")
    folder = f"/proc/{pid}/fd"
    owned = set()
    for fd in os.listdir(folder):
        try:
            owned.add(os.readlink(f"{folder}/{fd}"))
        except OSError:  # closed meanwhile
            continue
    return bool(listening & owned)
