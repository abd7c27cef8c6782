"""Writing files so that a reader never sees a half-written one.

Every writer goes through a temporary file in the same folder and a rename (atomic on one
file system). Append-only stores (baselines, target versions) also need "write only if the
name is free": a hard link never replaces an existing file, so it decides that atomically.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_with(target: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(temp_path)`` for a temp file beside ``target``, then rename it into place;
    a failure leaves no file behind. The file gets the usual (umask) permissions."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(Path(temp))
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; published files are readable
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def write_bytes(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (synced to disk). Without ``overwrite`` an
    existing ``path`` raises FileExistsError and is left untouched."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # atomic, and fails if the name is taken
        except FileExistsError:
            raise
        except OSError:
            # A file system without hard links: check, then rename (same folder).
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
