import pytest

from shortlinks import limits


@pytest.fixture(autouse=True)
def one_attempt_window(monkeypatch, settings):
    """Password attempts are counted per fixed window (SHORTLINKS_PASSWORD_WINDOW): a test
    that counts them must not straddle two windows, so time stands still in the middle of
    the current one. A test that wants the next window patches limits._now_seconds itself."""
    now, size = limits._now_seconds(), settings.SHORTLINKS_PASSWORD_WINDOW
    middle = now - now % size + size // 2
    monkeypatch.setattr(limits, "_now_seconds", lambda: middle)
