import io

import pytest
from django.core.management import CommandError, call_command

from accounts import services

pytestmark = pytest.mark.django_db


def test_createtoken_prints_a_working_token_last(user):
    out = io.StringIO()
    call_command("createtoken", "alice", "--name", "ci", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip().splitlines()[-1]
    assert services.token_authenticate(token) == user


def test_createtoken_refuses_unknown_users():
    with pytest.raises(CommandError):
        call_command("createtoken", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
