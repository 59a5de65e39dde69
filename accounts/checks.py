"""System checks: configuration that would make login throttling harm real users."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def check_trusted_proxies(app_configs, **kwargs):
    """Behind a proxy (SECURE_PROXY_SSL_HEADER is set) with CLIENT_IP_TRUSTED_PROXIES = 0,
    every visitor has the proxy's address: one attacker would lock everyone out of login."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(
        settings, "CLIENT_IP_TRUSTED_PROXIES", 0
    ):
        return [
            Warning(
                "CLIENT_IP_TRUSTED_PROXIES is 0 behind a proxy: login and sign-up limits would "
                "count every visitor as the proxy's address.",
                hint="Set CLIENT_IP_TRUSTED_PROXIES to the number of proxies that append to "
                "X-Forwarded-For (2 behind CloudFront and API Gateway).",
                id="accounts.W001",
            )
        ]
    return []
