"""API responses are JSON even where Django answers by itself (405 Method Not Allowed)."""

from django.http import JsonResponse


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code == 405
            and "json" not in response.get("Content-Type", "")
        ):
            allowed = response.get("Allow", "")
            json_response = JsonResponse(
                {
                    "error": "method_not_allowed",
                    "detail": f"{request.method} is not allowed here. Allowed: {allowed}.",
                },
                status=405,
            )
            json_response["Allow"] = allowed
            return json_response
        return response
