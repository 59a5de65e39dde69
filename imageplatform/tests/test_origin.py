"""The origin lock (imageplatform.origin): only requests that came through CloudFront."""

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from imageplatform.origin import OriginVerifyMiddleware, origin_verified

CURRENT, PREVIOUS = "c" * 40, "p" * 40


@pytest.fixture
def lock(settings):
    settings.ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
    settings.ORIGIN_VERIFY_VALUES = (CURRENT, PREVIOUS)
    seen = []

    def view(request):
        seen.append(request)
        return HttpResponse("through")

    middleware = OriginVerifyMiddleware(view)
    middleware.seen = seen
    return middleware


def _get(path, **headers):
    return RequestFactory().get(path, headers=headers)


@pytest.mark.parametrize("value", [CURRENT, PREVIOUS])
def test_current_and_previous_values_pass(lock, value):
    response = lock(_get("/", x_origin_verify=value))
    assert response.status_code == 200


def test_the_header_is_removed_once_checked(lock):
    lock(_get("/", x_origin_verify=CURRENT))
    (request,) = lock.seen
    assert "HTTP_X_ORIGIN_VERIFY" not in request.META


@pytest.mark.parametrize("headers", [{}, {"x_origin_verify": ""}, {"x_origin_verify": "wrong"}])
def test_missing_or_wrong_header_is_403_plain_text(lock, headers):
    response = lock(_get("/images/abc/", **headers))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/plain")
    assert lock.seen == []


def test_api_requests_get_json_403(lock):
    response = lock(_get("/api/v1/images", x_origin_verify=CURRENT[:-1]))
    assert response.status_code == 403
    assert json.loads(response.content)["error"] == "forbidden"


def test_healthz_is_locked_too(lock):
    assert lock(_get("/healthz")).status_code == 403


def test_no_configured_values_refuses_everything(lock, settings):
    settings.ORIGIN_VERIFY_VALUES = ("", None)
    assert lock(_get("/", x_origin_verify="")).status_code == 403
    assert lock(_get("/", x_origin_verify="anything")).status_code == 403


def test_header_name_comes_from_settings(lock, settings):
    settings.ORIGIN_VERIFY_HEADER = "X-Other-Secret"
    assert lock(_get("/", x_other_secret=CURRENT)).status_code == 200
    assert lock(_get("/", x_origin_verify=CURRENT)).status_code == 403


def test_compare_checks_every_value():
    assert origin_verified("b", ["a", "b"])
    assert not origin_verified("", ["", "a"])
    assert not origin_verified("ab", ["a", "b"])
