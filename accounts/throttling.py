"""Login throttling: django-axes' database handler, with lockouts that grow.

Axes sees every password login that goes through ``authenticate()`` (our login page and
the admin's) and records each failure in its ``AccessAttempt`` table: one row per
(username, client address, user agent) with a failure count and the time of the last
failure. Everything lives in Django's database, so every Lambda container sees the same
state. The rules:

- Failures count per username and per client address (``AXES_LOCKOUT_PARAMETERS``):
  a password spray from one address and a distributed attack on one account are both
  caught. A row is remembered for ``ACCOUNTS_LOGIN_FAILURE_MEMORY`` seconds after its last
  failure, then deleted.
- A username or an address with N >= ``AXES_FAILURE_LIMIT`` failures is locked for
  ``ACCOUNTS_LOGIN_LOCKOUT_STEPS[N - limit]`` seconds after its last failure (the last
  step repeats). Attempts during a lock are refused, the right password too, and not
  counted, so each wrong password after a lock ends locks again, for longer: 1, 5, 15,
  60 minutes by default.
- A successful login forgets the failures of that username from that address only: an
  attacker who signs in to their own account does not wipe the count of their address.
- Locked requests get 429 with ``Retry-After`` (``login_lockout_response``).

Staff see and lift locks in the admin (accounts/admin.py) or with ``manage.py axes_reset``.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone


@dataclass(frozen=True)
class LoginLock:
    until: datetime
    cool_off: timedelta

    def retry_after(self, now: datetime) -> int:
        """Whole seconds to wait, at least 1 (the Retry-After header)."""
        return max(1, math.ceil((self.until - now).total_seconds()))


def _memory() -> timedelta:
    return timedelta(seconds=settings.ACCOUNTS_LOGIN_FAILURE_MEMORY)


def _now(request) -> datetime:
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def lock_length(failures: int) -> timedelta:
    """How long N failures lock a username or an address, after the last of them."""
    steps = settings.ACCOUNTS_LOGIN_LOCKOUT_STEPS
    excess = failures - settings.AXES_FAILURE_LIMIT
    if excess < 0:
        return timedelta(0)
    return timedelta(seconds=steps[min(excess, len(steps) - 1)])


def _request_filters(request, credentials=None) -> list[dict]:
    """One filter per lockout key (username, address) of this request; keys whose value is
    unknown are left out, so unknown values are never lumped together."""
    filters = get_client_parameters(
        get_client_username(request, credentials),
        getattr(request, "axes_ip_address", None),
        getattr(request, "axes_user_agent", ""),
        request,
        credentials,
    )
    return [f for f in filters if all(value not in (None, "") for value in f.values())]


def login_lock_get(*, filters: list[dict], now: datetime) -> LoginLock | None:
    """The longest lock among the keys (``[{"username": ...}, {"ip_address": ...}]``), or None."""
    since = now - _memory()
    longest = None
    for key in filters:
        row = AccessAttempt.objects.filter(**key, attempt_time__gte=since).aggregate(
            failures=Sum("failures_since_start"), last=Max("attempt_time")
        )
        failures = row["failures"] or 0
        if failures < settings.AXES_FAILURE_LIMIT:
            continue
        length = lock_length(failures)
        lock = LoginLock(until=row["last"] + length, cool_off=length)
        if lock.until > now and (longest is None or lock.until > longest.until):
            longest = lock
    return longest


def login_lock_for_request(request, credentials=None) -> LoginLock | None:
    return login_lock_get(filters=_request_filters(request, credentials), now=_now(request))


def login_lock_reset(*, usernames=(), ip_addresses=()) -> int:
    """Forget every failure of these usernames and addresses (staff unlock); returns rows."""
    usernames = [u for u in usernames if u]
    ip_addresses = [a for a in ip_addresses if a]
    if not usernames and not ip_addresses:
        return 0
    deleted, _ = AccessAttempt.objects.filter(
        Q(username__in=usernames) | Q(ip_address__in=ip_addresses)
    ).delete()
    return deleted


def login_cool_off(request=None) -> timedelta:
    """``AXES_COOLOFF_TIME``: the lock that applies to ``request`` now; the first step when
    there is none (or no request)."""
    lock = None
    if request is not None and hasattr(request, "axes_ip_address"):
        lock = login_lock_for_request(request, getattr(request, "axes_credentials", None))
    if lock is not None:
        return lock.cool_off
    return timedelta(seconds=settings.ACCOUNTS_LOGIN_LOCKOUT_STEPS[0])


class LoginThrottleHandler(AxesDatabaseHandler):
    """``AXES_HANDLER``: axes' database handler with the counting window and growing locks
    described above."""

    def filter_user_attempts(self, request, credentials=None):
        filters = _request_filters(request, credentials)
        if not filters:
            return [AccessAttempt.objects.none()]
        return [AccessAttempt.objects.filter(**key) for key in filters]

    def get_user_attempts(self, request, credentials=None):
        since = _now(request) - _memory()
        return [qs.filter(attempt_time__gte=since) for qs in self.filter_user_attempts(request, credentials)]

    def is_locked(self, request, credentials=None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        return login_lock_for_request(request, credentials) is not None

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        # Uniform for every key: a request-dependent cut-off would delete others' locks.
        count, _ = AccessAttempt.objects.filter(attempt_time__lt=_now(request) - _memory()).delete()
        return count

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        AccessAttempt.objects.filter(
            username=user.get_username(), ip_address=getattr(request, "axes_ip_address", None)
        ).delete()


def wait_text(seconds: int) -> str:
    """'3 minutes': how long to wait, for people."""
    if seconds < 50:
        return "less than a minute"
    minutes = math.ceil(seconds / 60)
    if minutes <= 90:
        return "a minute" if minutes == 1 else f"{minutes} minutes"
    return f"{math.ceil(minutes / 60)} hours"


def login_lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: 429 with Retry-After; JSON under /api/, else a page."""
    now = _now(request)
    lock = login_lock_for_request(request, credentials or getattr(request, "axes_credentials", None))
    if lock is None:  # the lock ended between the check and this answer
        lock = LoginLock(until=now + timedelta(seconds=1), cool_off=timedelta(seconds=1))
    seconds = lock.retry_after(now)
    wait = wait_text(seconds)
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "error": "too_many_attempts",
                "detail": f"Too many failed sign-in attempts. Try again in {wait}.",
            },
            status=429,
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"wait": wait, "until": lock.until, "retry_after": seconds},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response
