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


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def bad_request(request, exception=None):
    return render(
        request,
        "error.html",
        {"title": "Bad request", "detail": "The request could not be understood."},
        status=400,
    )
