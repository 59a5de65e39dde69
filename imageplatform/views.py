from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Liveness: 200 when every store is reachable, 503 (with which one failed) otherwise."""
    from imageplatform.stores import stores_check

    checks = stores_check()
    ok = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )


def api_not_found(request, rest=""):
    return JsonResponse({"error": "not_found", "detail": f"No API endpoint at {request.path}."}, status=404)


def _api_error(request, code: str, detail: str, status: int):
    """Under /api/ errors are JSON ``{"error", "detail"}``, even Django's own."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": code, "detail": detail}, status=status)
    return None


def page_not_found(request, exception=None):
    return _api_error(request, "not_found", "Not found.", 404) or render(request, "404.html", status=404)


def server_error(request):
    return _api_error(
        request, "server_error", "Something went wrong on our side; the error has been logged.", 500
    ) or render(request, "500.html", status=500)


def bad_request(request, exception=None):
    return _api_error(request, "bad_request", "The request could not be understood.", 400) or render(
        request,
        "error.html",
        {"title": "Bad request", "detail": "The request could not be understood."},
        status=400,
    )
