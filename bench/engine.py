"""The benchmark adapter: the harness's engine signature on top of gallery.renditions.render().

PLATFORM_ENGINE=bench.engine:render PLATFORM_PATH=<repo> ../shared/bench/run.sh
runs this inside the harness's worker; it calls the real pipeline (not a copy) with the
platform's default sizes and formats, and writes the 6 files the harness checks.
"""

import os

from gallery.renditions import render as render_renditions
from gallery.renditions import tune_process_memory

# The harness's worker is a process of its own: the one-time set-up that Django entry
# points get from imageplatform.process.configure() is made here, once, at import.
tune_process_memory()

SIZES = (2048, 1024, 320)
SPECS = {
    f"{size}.{ext}": f"max-{size}x{size}|format-{fmt}|quality-{quality}"
    for size in SIZES
    for ext, fmt, quality in (("jpg", "jpeg", 82), ("webp", "webp", 80))
}


def render(path, out, stem):
    with open(path, "rb") as f:
        data = f.read()
    _, renditions = render_renditions(data, SPECS)
    result = {}
    for name, rendition in renditions.items():
        size, ext = name.split(".")
        with open(os.path.join(out, f"{stem}_{size}.{ext}"), "wb") as f:
            f.write(rendition.data)
        result[name] = (len(rendition.data), rendition.width, rendition.height)
    return result
