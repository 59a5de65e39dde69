import pytest
from django.contrib.auth import get_user_model

from accounts import services
from accounts.models import ApiToken

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


def test_signup_with_mismatched_passwords_shows_the_form(client):
    answer = client.post(
        SIGNUP, {"username": "carol", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert answer.status_code == 200 and answer.context["form"].errors
    assert not get_user_model().objects.filter(username="carol").exists()


def test_signup_page_redirects_signed_in_users(client, user):
    client.force_login(user)
    assert client.get(SIGNUP).status_code == 302


def test_tokens_page_needs_a_login(client):
    answer = client.get("/accounts/tokens/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_token_is_shown_once_after_creation(client, user):
    client.force_login(user)
    created = client.post("/accounts/tokens/", {"name": "backup"})
    token = created.context["new_token"].token
    assert created.status_code == 200 and token in created.content.decode()
    assert services.token_authenticate(token) == user
    again = client.get("/accounts/tokens/")
    assert token not in again.content.decode() and "backup" in again.content.decode()


def test_token_revoke_view_revokes_own_tokens_only(client, user, other_user):
    mine = services.token_create(user=user)
    theirs = services.token_create(user=other_user)
    client.force_login(user)
    assert client.post(f"/accounts/tokens/{theirs.id}/revoke/").status_code == 302
    assert ApiToken.objects.filter(pk=theirs.id).exists()
    assert client.post(f"/accounts/tokens/{mine.id}/revoke/").status_code == 302
    assert not ApiToken.objects.filter(pk=mine.id).exists()
    assert client.get(f"/accounts/tokens/{mine.id}/revoke/").status_code == 405
