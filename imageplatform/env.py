"""The only reader of os.environ: typed helpers for settings.

Settings modules call these; nothing else in the project looks at the environment.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_UNSET = object()


def env_str(name: str, default=_UNSET) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _UNSET:
            raise ImproperlyConfigured(f"Set the environment variable {name}.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default=_UNSET) -> int:
    value = env_str(name, None if default is not _UNSET else _UNSET)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: str) -> str:
    return env_str(name, default)


def env_set_default(name: str, value: str) -> None:
    """For settings/local.py only: give a process-wide default (e.g. AWS_DEFAULT_REGION)."""
    os.environ.setdefault(name, value)
