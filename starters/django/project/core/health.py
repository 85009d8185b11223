"""/healthz, for load balancers and Docker's HEALTHCHECK: answered first of all.

They call it inside their network, over plain HTTP and by the server's address, which
the rest of the site would refuse (the redirect to HTTPS, ALLOWED_HOSTS). It says only
that the process is up, touching no database.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        return self.get_response(request)
