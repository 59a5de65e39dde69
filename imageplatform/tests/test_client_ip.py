import pytest
from django.test import RequestFactory

from imageplatform.client_ip import client_ip, client_ip_for_throttling


def _request(remote="192.0.2.1", forwarded=None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 0
    assert client_ip(_request(forwarded="203.0.113.5")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("depth", "forwarded", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the forged left entry is not used
        (2, "6.6.6.6, 203.0.113.5, 130.176.0.1", "203.0.113.5"),
        (2, "203.0.113.5, 130.176.0.1", "203.0.113.5"),
        (2, " 2001:db8::5 ,130.176.0.1", "2001:db8::5"),
    ],
)
def test_the_nth_entry_from_the_right_is_the_visitor(settings, depth, forwarded, expected):
    settings.CLIENT_IP_TRUSTED_PROXIES = depth
    assert client_ip(_request(forwarded=forwarded)) == expected


@pytest.mark.parametrize("forwarded", [None, "", "130.176.0.1", "not-an-address, 130.176.0.1"])
def test_short_or_broken_forwarded_for_falls_back_to_the_peer(settings, forwarded):
    settings.CLIENT_IP_TRUSTED_PROXIES = 2
    assert client_ip(_request(forwarded=forwarded)) == "192.0.2.1"


def test_no_usable_address_is_none(settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 0
    assert client_ip(_request(remote="")) is None
    assert client_ip(_request(remote="unknown")) is None


def test_throttling_counts_ipv6_by_slash_64_and_keeps_ipv4(settings):
    settings.CLIENT_IP_TRUSTED_PROXIES = 0
    assert client_ip_for_throttling(_request(remote="2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::"
    assert client_ip_for_throttling(_request(remote="::ffff:192.0.2.9")) == "192.0.2.9"
    assert client_ip_for_throttling(_request(remote="192.0.2.9")) == "192.0.2.9"
    assert client_ip_for_throttling(_request(remote="")) is None
