from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F

from accounts import services
from accounts.models import ApiToken, SignupRecord

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
NEW_PASSWORD = "a long and unusual passphrase 7"


def _signup(client, username, ip="198.51.100.1", **headers):
    return client.post(
        SIGNUP,
        {"username": username, "email": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        REMOTE_ADDR=ip,
        headers=headers,
    )


def test_signup_creates_the_account_and_logs_in(client):
    answer = _signup(client, "carol")
    assert answer.status_code == 302 and answer["Location"] == "/upload/"
    assert get_user_model().objects.filter(username="carol").exists()
    assert "_auth_user_id" in client.session
    assert SignupRecord.objects.get().ip_address == "198.51.100.1"


def test_signup_with_mismatched_passwords_shows_the_form(client):
    answer = client.post(
        SIGNUP, {"username": "carol", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert answer.status_code == 200 and answer.context["form"].errors
    assert not get_user_model().objects.filter(username="carol").exists()
    assert not SignupRecord.objects.exists()  # only accounts made count towards the limit


def test_signup_page_redirects_signed_in_users(client, user):
    client.force_login(user)
    assert client.get(SIGNUP).status_code == 302


def test_signups_from_one_address_are_limited(client, settings):
    for n in range(settings.ACCOUNTS_SIGNUP_LIMIT):
        assert _signup(client, f"user{n}").status_code == 302
        client.logout()
    limited = _signup(client, "one-too-many")
    assert limited.status_code == 429
    assert (
        settings.ACCOUNTS_SIGNUP_WINDOW - 5 <= int(limited["Retry-After"]) <= settings.ACCOUNTS_SIGNUP_WINDOW
    )
    assert "Too many new accounts" in limited.content.decode()
    assert not get_user_model().objects.filter(username="one-too-many").exists()
    assert client.get(SIGNUP, REMOTE_ADDR="198.51.100.1").status_code == 429
    assert _signup(client, "elsewhere", ip="203.0.113.4").status_code == 302


def test_signup_limit_lifts_after_the_window(client, settings):
    for n in range(settings.ACCOUNTS_SIGNUP_LIMIT):
        _signup(client, f"user{n}")
        client.logout()
    SignupRecord.objects.update(
        created_at=F("created_at") - timedelta(seconds=settings.ACCOUNTS_SIGNUP_WINDOW)
    )
    assert _signup(client, "later").status_code == 302


def test_forged_forwarded_for_does_not_lift_the_signup_limit(client, settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 1
    for n in range(settings.ACCOUNTS_SIGNUP_LIMIT):
        _signup(client, f"user{n}", ip="130.176.0.1", **{"X-Forwarded-For": f"192.0.2.{n}, 203.0.113.8"})
        client.logout()
    forged = _signup(client, "forged", ip="130.176.0.1", **{"X-Forwarded-For": "192.0.2.99, 203.0.113.8"})
    assert forged.status_code == 429


def test_tokens_page_needs_a_login(client):
    answer = client.get("/accounts/tokens/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_token_is_shown_once_after_creation(client, user):
    client.force_login(user)
    created = client.post("/accounts/tokens/", {"name": "backup"})
    assert created.status_code == 302 and created["Location"] == "/accounts/tokens/"  # post/redirect/get
    shown = client.get("/accounts/tokens/")
    token = shown.context["new_token"]["token"]
    assert token in shown.content.decode()
    assert services.token_authenticate(token) == user
    again = client.get("/accounts/tokens/")  # a refresh: no new token, this one not shown again
    assert token not in again.content.decode() and "backup" in again.content.decode()
    assert user.api_tokens.count() == 1


def test_token_revoke_view_revokes_own_tokens_only(client, user, other_user):
    mine = services.token_create(user=user)
    theirs = services.token_create(user=other_user)
    client.force_login(user)
    assert client.post(f"/accounts/tokens/{theirs.id}/revoke/").status_code == 302
    assert ApiToken.objects.filter(pk=theirs.id).exists()
    assert client.post(f"/accounts/tokens/{mine.id}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=mine.id).exists()
    assert client.get(f"/accounts/tokens/{mine.id}/revoke/").status_code == 405
