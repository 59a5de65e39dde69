"""The rendering thread pool and the process' memory set-up (gallery.renditions uses them)."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor


def tune_process_memory() -> None:
    """Serve allocations of 1 MB and more with mmap, so freed image memory goes back to the OS.

    Pillow allocates pixels in blocks of up to 16 MB. glibc raises its mmap threshold to the
    size of the largest block freed, after which such blocks come from the heaps and
    thread arenas, where freed memory stays mapped: a long-lived worker's RSS then creeps
    up by tens of MB. Measured on bench/: peak RSS 181 MB -> 128 MB, no slower.
    Process-wide, so it is not done at import: each entry point calls it once at start
    (imageplatform.process.configure for Django processes, bench/engine.py for the
    benchmark). Harmless elsewhere; skipped where the C library is not glibc.
    """
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD (also turns off the dynamic rise)
    except (OSError, AttributeError):
        pass


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


WORKERS = max(2, min(4, _cpus()))
_pool_instance: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def pool() -> ThreadPoolExecutor:
    global _pool_instance
    with _pool_lock:
        if _pool_instance is None:
            _pool_instance = ThreadPoolExecutor(WORKERS, thread_name_prefix="renditions")
        return _pool_instance
