from datetime import timedelta

import pytest
from django.db.models import F

from accounts import services
from accounts.exceptions import SignupLimitReached
from accounts.models import ApiToken, SignupRecord, hash_token

pytestmark = pytest.mark.django_db


def test_token_create_stores_only_a_hash_and_a_prefix(user):
    new = services.token_create(user=user, name="backup script")
    row = ApiToken.objects.get(pk=new.id)
    assert new.token.startswith("ipt_") and len(new.token) > 40
    assert row.key_hash == hash_token(new.token) and new.token not in row.key_hash
    assert row.prefix == new.token[:12]
    assert row.name == new.name == "backup script"


def test_token_create_cuts_long_names(user):
    assert len(services.token_create(user=user, name="x" * 300).name) == 100


def test_token_authenticate_returns_the_owner_and_notes_the_use(user):
    new = services.token_create(user=user)
    assert services.token_authenticate(new.token) == user
    assert ApiToken.objects.get(pk=new.id).last_used_at is not None


@pytest.mark.parametrize("token", ["", "ipt_unknown", "x" * 201])
def test_token_authenticate_refuses_unknown_tokens(user, token):
    services.token_create(user=user)
    assert services.token_authenticate(token) is None


def test_token_authenticate_refuses_inactive_users(user):
    new = services.token_create(user=user)
    user.is_active = False
    user.save()
    assert services.token_authenticate(new.token) is None


def test_token_revoke_deletes_only_the_owners_token(user, other_user):
    new = services.token_create(user=user)
    assert services.token_revoke(user=other_user, token_id=new.id) is False
    assert services.token_authenticate(new.token) == user
    assert services.token_revoke(user=user, token_id=new.id) is True
    assert services.token_authenticate(new.token) is None
    assert services.token_revoke(user=user, token_id=new.id) is False


def test_token_list_shows_the_owners_tokens_newest_first(user, other_user):
    first = services.token_create(user=user, name="first")
    second = services.token_create(user=user, name="second")
    services.token_create(user=other_user)
    ApiToken.objects.filter(pk=first.id).update(created_at=F("created_at") - timedelta(minutes=1))
    assert [t.id for t in services.token_list(user=user)] == [second.id, first.id]


def test_signup_limit_counts_per_address_within_the_window(settings):
    settings.ACCOUNTS_SIGNUP_LIMIT = 3
    for _ in range(3):
        services.signup_limit_check(ip_address="192.0.2.1")
        services.signup_record(ip_address="192.0.2.1")
    with pytest.raises(SignupLimitReached) as caught:
        services.signup_limit_check(ip_address="192.0.2.1")
    assert settings.ACCOUNTS_SIGNUP_WINDOW - 5 <= caught.value.retry_after <= settings.ACCOUNTS_SIGNUP_WINDOW
    services.signup_limit_check(ip_address="192.0.2.2")  # another address is not limited


def test_signup_limit_lifts_when_the_oldest_leaves_the_window(settings):
    settings.ACCOUNTS_SIGNUP_LIMIT = 2
    services.signup_record(ip_address="192.0.2.1")
    SignupRecord.objects.update(created_at=F("created_at") - timedelta(minutes=50))
    services.signup_record(ip_address="192.0.2.1")
    with pytest.raises(SignupLimitReached) as caught:
        services.signup_limit_check(ip_address="192.0.2.1")
    assert 9 * 60 <= caught.value.retry_after <= 10 * 60  # the first one leaves in 10 minutes
    SignupRecord.objects.update(created_at=F("created_at") - timedelta(minutes=11))
    services.signup_limit_check(ip_address="192.0.2.1")


def test_signup_record_forgets_records_older_than_the_window(settings):
    services.signup_record(ip_address="192.0.2.1")
    SignupRecord.objects.update(
        created_at=F("created_at") - timedelta(seconds=settings.ACCOUNTS_SIGNUP_WINDOW)
    )
    services.signup_record(ip_address="192.0.2.9")
    assert list(SignupRecord.objects.values_list("ip_address", flat=True)) == ["192.0.2.9"]
