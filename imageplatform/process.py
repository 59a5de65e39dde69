"""Once-per-process set-up, made explicitly by each entry point.

``configure()`` is called at process start by every entry point that loads Django
(``PlatformConfig.ready()``: the web app under runserver, WSGI or Zappa, Zappa's event
handler through ``imageplatform.events``, management commands, tests). The benchmark
adapter, which uses ``gallery.renditions`` without Django, calls
``gallery.renditions.tune_process_memory()`` (gallery.workers) itself. Nothing changes process-wide
settings at import time.
"""

_configured = False


def configure() -> None:
    """Idempotent."""
    global _configured
    if _configured:
        return
    from gallery import renditions

    renditions.tune_process_memory()
    _configured = True
