"""Login throttling (django-axes with accounts.throttling's rules), through real requests.

Time is moved by ageing the recorded failures (``_age``), the way the lock expires in
production: the lock is computed from the stored time of the last failure.
"""

import io
import json
from datetime import timedelta

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.test import RequestFactory

from accounts import throttling

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
PASSWORD = "correct horse battery staple"  # conftest's users
ADDRESS = "198.51.100.1"

pytestmark = pytest.mark.django_db


def _login(client, username="alice", password="wrong", ip=ADDRESS, url=LOGIN, **headers):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, headers=headers)


def _age(seconds):
    """Move every recorded failure ``seconds`` into the past."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_lock_with_429_and_retry_after(client, user, settings):
    answers = [_login(client) for _ in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    assert [a.status_code for a in answers[: limit - 1]] == [200] * (limit - 1)
    assert [a.status_code for a in answers[limit - 1 :]] == [429] * (30 - limit + 1)
    locked = answers[-1]
    assert 1 <= int(locked["Retry-After"]) <= 60
    assert locked["Cache-Control"] == "no-store"
    assert "Too many attempts" in locked.content.decode()
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    # Refused attempts are not counted: the lock does not grow while it holds.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == limit


def test_right_password_during_a_lock_is_refused(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client)
    answer = _login(client, password=PASSWORD)
    assert answer.status_code == 429
    assert not _logged_in(client)


def test_lock_expires_after_the_cool_off(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client)
    _age(59)
    assert _login(client, password=PASSWORD).status_code == 429
    _age(2)
    answer = _login(client, password=PASSWORD)
    assert answer.status_code == 302
    assert _logged_in(client)


def test_each_failure_after_a_lock_locks_longer(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client)
    waits = []
    for step in settings.ACCOUNTS_LOGIN_LOCKOUT_STEPS + [3600]:
        _age(step + 1)
        answer = _login(client)
        assert answer.status_code == 429
        waits.append(int(answer["Retry-After"]))
    assert waits == [300, 900, 3600, 3600, 3600]


def test_failures_are_forgotten_after_the_memory(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client)
    _age(settings.ACCOUNTS_LOGIN_FAILURE_MEMORY + 1)
    assert _login(client).status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 1  # the old row was deleted


def test_one_address_trying_many_usernames_is_locked(client, user, settings):
    answers = [_login(client, username=f"guess{n}") for n in range(settings.AXES_FAILURE_LIMIT)]
    assert answers[-1].status_code == 429
    assert _login(client, password=PASSWORD).status_code == 429  # alice, from that address
    assert _login(client, password=PASSWORD, ip="203.0.113.50").status_code == 302


def test_many_addresses_against_one_username_lock_it(client, user, settings):
    answers = [_login(client, ip=f"192.0.2.{n}") for n in range(settings.AXES_FAILURE_LIMIT)]
    assert answers[-1].status_code == 429
    assert _login(client, password=PASSWORD, ip="203.0.113.77").status_code == 429


def test_forged_forwarded_for_does_not_spread_attempts_without_trusted_proxies(client, user, settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 0
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, username=f"guess{n}", **{"X-Forwarded-For": f"192.0.2.{n}"})
    assert _login(client, password=PASSWORD, **{"X-Forwarded-For": "192.0.2.200"}).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ADDRESS}


def test_forged_left_entries_are_ignored_behind_trusted_proxies(client, user, settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 2  # CloudFront, then API Gateway
    for n in range(settings.AXES_FAILURE_LIMIT):
        # the visitor forges the first entry; CloudFront appends the visitor, the gateway the edge
        forwarded = f"192.0.2.{n}, 203.0.113.9, 130.176.0.{n}"
        _login(client, username=f"guess{n}", ip="130.176.0.1", **{"X-Forwarded-For": forwarded})
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}
    locked = _login(client, password=PASSWORD, **{"X-Forwarded-For": "1.2.3.4, 203.0.113.9, 130.176.0.1"})
    assert locked.status_code == 429
    other = _login(
        client, password=PASSWORD, **{"X-Forwarded-For": "203.0.113.9, 198.51.100.20, 130.176.0.1"}
    )
    assert other.status_code == 302


def test_ipv6_visitors_are_counted_by_their_slash_64(client, user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, username=f"guess{n}", ip=f"2001:db8:1:2::{n + 1:x}")
    assert _login(client, password=PASSWORD, ip="2001:db8:1:2:ffff::1").status_code == 429
    assert _login(client, password=PASSWORD, ip="2001:db8:1:3::1").status_code == 302


def test_admin_login_is_throttled(client, django_user_model, settings):
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    answers = [_login(client, username="boss", url=ADMIN_LOGIN) for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert [a.status_code for a in answers[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1].status_code == 429 and int(answers[-1]["Retry-After"]) > 0
    assert _login(client, username="boss", password=PASSWORD, url=ADMIN_LOGIN).status_code == 429
    assert not _logged_in(client)


def test_a_successful_login_forgets_only_that_username_from_that_address(client, user, settings):
    _login(client)  # alice mistypes once
    assert _login(client, password=PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()
    client.logout()
    # An attacker signing in to their own account keeps the address's other failures.
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, username=f"victim{n}")
    assert _login(client, password=PASSWORD).status_code == 302
    client.logout()
    assert _login(client, username="victim-last").status_code == 429


def test_lockout_answers_json_under_api(user, settings):
    AccessAttempt.objects.create(
        username="alice",
        ip_address=ADDRESS,
        user_agent="test",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/api/v1/login",
    )
    request = RequestFactory().post("/api/v1/login", {"username": "alice"}, REMOTE_ADDR=ADDRESS)
    AxesProxyHandler.update_request(request)
    answer = throttling.login_lockout_response(request, None, {"username": "alice"})
    assert answer.status_code == 429
    assert 1 <= int(answer["Retry-After"]) <= 60
    body = json.loads(answer.content)
    assert body["error"] == "too_many_attempts" and "Try again" in body["detail"]


def test_staff_see_the_lock_in_the_admin_and_can_unlock_it(client, user, django_user_model, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client)
    staff = django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    admin_client = type(client)()
    admin_client.force_login(staff)
    assert "/admin/axes/accessattempt/" in admin_client.get("/admin/").content.decode()
    listing = admin_client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    row = listing.context["cl"].result_list[0]
    assert row.username == "alice"
    assert listing.context["cl"].model_admin.locked_until(row) != "-"
    answer = admin_client.post(
        "/admin/axes/accessattempt/",
        {"action": "unlock", "_selected_action": [row.pk]},
    )
    assert answer.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _login(client, password=PASSWORD).status_code == 302


def test_axes_reset_username_command_unlocks(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, ip="192.0.2.1" if _ % 2 else "192.0.2.2")
    call_command("axes_reset_username", "alice", stdout=io.StringIO())
    assert _login(client, password=PASSWORD, ip="192.0.2.3").status_code == 302


def test_lock_length_grows_and_repeats_its_last_step(settings):
    limit = settings.AXES_FAILURE_LIMIT
    assert throttling.lock_length(limit - 1) == timedelta(0)
    assert [throttling.lock_length(limit + n).total_seconds() for n in range(6)] == [
        60,
        300,
        900,
        3600,
        3600,
        3600,
    ]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "less than a minute"),
        (55, "a minute"),
        (60, "a minute"),
        (61, "2 minutes"),
        (3600, "60 minutes"),
        (5400, "90 minutes"),
        (5401, "2 hours"),
    ],
)
def test_wait_text_reads_naturally(seconds, text):
    assert throttling.wait_text(seconds) == text
