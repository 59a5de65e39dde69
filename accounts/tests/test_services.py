from datetime import timedelta

import pytest
from django.db.models import F

from accounts import services
from accounts.models import ApiToken, hash_token

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
