from accounts.checks import check_trusted_proxies


def test_no_warning_without_a_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.CLIENT_IP_TRUSTED_PROXIES = 0
    assert check_trusted_proxies(None) == []


def test_warns_behind_a_proxy_without_trusted_proxies(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CLIENT_IP_TRUSTED_PROXIES = 0
    assert [w.id for w in check_trusted_proxies(None)] == ["accounts.W001"]
    settings.CLIENT_IP_TRUSTED_PROXIES = 2
    assert check_trusted_proxies(None) == []
