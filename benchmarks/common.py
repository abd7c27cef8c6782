"""What every benchmark shares: peak-memory sampling, running one step in its own process,
and the shape of one figure in the harness's table.

Each step runs in a fresh Python process so its peak memory is its own and one step's
caches never speed up another. A step is a function ``name(**kwargs) -> dict`` in a module
of this folder; :func:`in_child` runs it via ``python benchmarks/common.py`` and returns
its JSON.
"""
from __future__ import annotations

import gc
import importlib
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def current_rss_mb() -> float:
    """Resident memory of this process now, in MiB (Linux /proc; the peak counter elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PeakMemory:
    """Samples resident memory every 2 ms while a step runs.

    ``extra_mb`` is the step's peak above the memory in use when it started, so data
    generated or imports made before the step do not count.
    """

    def __enter__(self) -> "PeakMemory":
        gc.collect()
        try:  # hand freed heap pages back to the OS, so the base is the live data only
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass
        self.base = self.peak = current_rss_mb()
        self._stop = threading.Event()

        def sample() -> None:
            while not self._stop.is_set():
                self.peak = max(self.peak, current_rss_mb())
                self._stop.wait(0.002)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, current_rss_mb())

    @property
    def extra_mb(self) -> float:
        return max(self.peak - self.base, 0.0)


def in_child(module: str, function: str, **kwargs) -> dict:
    """Run ``benchmarks/<module>.py:<function>(**kwargs)`` in a fresh process; its JSON result."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), module, function, json.dumps(kwargs)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark step {module}.{function} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def files_mb(paths) -> float:
    """Total size of files, in MiB."""
    return sum(Path(p).stat().st_size for p in paths) / 2**20


def report(result: dict, out: Path | None, filename: str) -> None:
    """Print a standalone benchmark's result as JSON and, given ``out``, write it there too."""
    text = json.dumps(result, indent=2, ensure_ascii=False, default=str)
    print(text)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / filename).write_text(text + "\n", encoding="utf-8")


def _child_main(argv: list[str]) -> None:
    sys.path[:0] = [str(HERE), str(ROOT)]
    module, function, kwargs = argv[0], argv[1], json.loads(argv[2])
    result = getattr(importlib.import_module(module), function)(**kwargs)
    # Whatever the step printed went to stdout before; the JSON is the last line.
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    _child_main(sys.argv[1:])
