"""imageplatform.env: typed readers of environment variables for the settings modules.

A missing or empty variable takes the default (or is refused when there is none); a bad
value raises ImproperlyConfigured naming the variable, so a misconfigured stage fails at
start-up with a message that says what to fix.
"""

import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from imageplatform.env import env_bool, env_int, env_list, env_path, env_set_default, env_str

NAME = "IMAGEPLATFORM_TEST_ENV_VALUE"


@pytest.fixture(autouse=True)
def _unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)


# --- env_str --------------------------------------------------------------------------------


def test_env_str_returns_the_value(monkeypatch):
    monkeypatch.setenv(NAME, "images-prod")

    assert env_str(NAME) == "images-prod"


def test_env_str_keeps_the_value_as_given(monkeypatch):
    monkeypatch.setenv(NAME, " a b ")

    assert env_str(NAME, "default") == " a b "


def test_env_str_unset_returns_the_default():
    assert env_str(NAME, "fallback") == "fallback"


def test_env_str_empty_returns_the_default(monkeypatch):
    monkeypatch.setenv(NAME, "")

    assert env_str(NAME, "fallback") == "fallback"


def test_env_str_default_may_be_none_or_empty():
    assert env_str(NAME, None) is None
    assert env_str(NAME, "") == ""


def test_env_str_required_and_unset_raises_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match=f"Set the environment variable {NAME}"):
        env_str(NAME)


def test_env_str_required_and_empty_raises_naming_the_variable(monkeypatch):
    monkeypatch.setenv(NAME, "")

    with pytest.raises(ImproperlyConfigured, match=NAME):
        env_str(NAME)


def test_env_path_is_a_string_with_a_default(monkeypatch):
    assert env_path(NAME, "/var/lib/x") == "/var/lib/x"
    monkeypatch.setenv(NAME, "/srv/data")
    assert env_path(NAME, "/var/lib/x") == "/srv/data"


# --- env_bool -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "true", "True", "TRUE", "yes", "Yes", "on", "ON"])
def test_env_bool_true_spellings_are_true(monkeypatch, value):
    monkeypatch.setenv(NAME, value)

    assert env_bool(NAME) is True


@pytest.mark.parametrize("value", ["0", "false", "False", "FALSE", "no", "No", "off", "OFF"])
def test_env_bool_false_spellings_are_false_even_with_a_true_default(monkeypatch, value):
    monkeypatch.setenv(NAME, value)

    assert env_bool(NAME, default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_returns_the_default(default):
    assert env_bool(NAME, default) is default


def test_env_bool_default_is_false():
    assert env_bool(NAME) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_empty_returns_the_default(monkeypatch, default):
    monkeypatch.setenv(NAME, "")

    assert env_bool(NAME, default) is default


@pytest.mark.parametrize("value", ["maybe", "2", "y", "n", "enabled", "-1", "truee"])
def test_env_bool_bad_value_raises_naming_the_variable_and_value(monkeypatch, value):
    monkeypatch.setenv(NAME, value)

    with pytest.raises(ImproperlyConfigured) as info:
        env_bool(NAME, default=True)

    assert NAME in str(info.value)
    assert repr(value) in str(info.value)


# --- env_int --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [("900", 900), ("0", 0), ("-5", -5), (" 12 ", 12)])
def test_env_int_returns_the_number(monkeypatch, value, expected):
    monkeypatch.setenv(NAME, value)

    assert env_int(NAME, 1) == expected


def test_env_int_unset_returns_the_default():
    assert env_int(NAME, 900) == 900


def test_env_int_empty_returns_the_default(monkeypatch):
    monkeypatch.setenv(NAME, "")

    assert env_int(NAME, 900) == 900


def test_env_int_default_may_be_none():
    assert env_int(NAME, None) is None


def test_env_int_required_and_unset_raises_naming_the_variable():
    with pytest.raises(ImproperlyConfigured, match=f"Set the environment variable {NAME}"):
        env_int(NAME)


def test_env_int_required_and_set_returns_the_number(monkeypatch):
    monkeypatch.setenv(NAME, "42")

    assert env_int(NAME) == 42


@pytest.mark.parametrize("value", ["abc", "1.5", "10s", "1e3", "0x10", "½"])
def test_env_int_bad_value_raises_naming_the_variable_and_value(monkeypatch, value):
    monkeypatch.setenv(NAME, value)

    with pytest.raises(ImproperlyConfigured) as info:
        env_int(NAME, 900)

    assert f"{NAME} must be an integer" in str(info.value)
    assert repr(value) in str(info.value)


def test_env_int_bad_value_does_not_chain_the_value_error(monkeypatch):
    monkeypatch.setenv(NAME, "abc")

    with pytest.raises(ImproperlyConfigured) as info:
        env_int(NAME)

    assert info.value.__suppress_context__


# --- env_list -------------------------------------------------------------------------------


def test_env_list_splits_on_commas_and_strips_items(monkeypatch):
    monkeypatch.setenv(NAME, "example.com, www.example.com ,api.example.com")

    assert env_list(NAME) == ["example.com", "www.example.com", "api.example.com"]


def test_env_list_drops_empty_items(monkeypatch):
    monkeypatch.setenv(NAME, ",a,, ,b,")

    assert env_list(NAME) == ["a", "b"]


def test_env_list_single_value_is_a_list_of_one(monkeypatch):
    monkeypatch.setenv(NAME, "example.com")

    assert env_list(NAME) == ["example.com"]


def test_env_list_unset_returns_the_default():
    assert env_list(NAME, ["localhost"]) == ["localhost"]


@pytest.mark.parametrize("value", ["", "   "])
def test_env_list_empty_or_blank_returns_the_default(monkeypatch, value):
    monkeypatch.setenv(NAME, value)

    assert env_list(NAME, ["localhost"]) == ["localhost"]


def test_env_list_without_default_is_an_empty_list():
    assert env_list(NAME) == []


def test_env_list_returns_a_copy_of_the_default():
    default = ["localhost"]

    result = env_list(NAME, default)
    result.append("evil.example")

    assert default == ["localhost"]
    assert env_list(NAME, default) == ["localhost"]


def test_env_list_of_only_commas_is_an_empty_list(monkeypatch):
    monkeypatch.setenv(NAME, ", ,")

    assert env_list(NAME, ["localhost"]) == []


# --- env_set_default ------------------------------------------------------------------------


def test_env_set_default_sets_an_unset_variable(monkeypatch):
    monkeypatch.setenv(NAME, "placeholder")
    monkeypatch.delenv(NAME)  # registered with monkeypatch, so it is removed again afterwards

    env_set_default(NAME, "us-east-1")

    assert os.environ[NAME] == "us-east-1"


def test_env_set_default_keeps_a_variable_already_set(monkeypatch):
    monkeypatch.setenv(NAME, "eu-west-1")

    env_set_default(NAME, "us-east-1")

    assert env_str(NAME) == "eu-west-1"
