"""Atomic file writes: a reader sees the old file or the new one, never half of one.

A new file gets the permissions any program's would (0666 less the umask); a replaced file keeps
its own. ``check_output_file`` refuses an output path that cannot be a file before a run starts.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from summarizer.errors import UsageError


def atomic_write(path: str | Path, data: str | bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)  # mkstemp makes 0600: right for a temporary file, not for ours
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask; read from /proc where it can be, as setting it to read it is racy."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_output_file(path: str, option: str = "--out") -> None:
    """UsageError unless ``path`` can be written as a file (checked before any work is done)."""
    target = Path(path)
    if path.endswith(("/", os.sep)) or target.is_dir():
        raise UsageError(f"{option} {path} is a folder; give a file name")
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{option} {path}: {parent} is not a folder")
            break
