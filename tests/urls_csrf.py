"""A form view under /api/ that keeps Django's CSRF check: what a 403 there looks like."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def form(request: HttpRequest) -> HttpResponse:
    return HttpResponse("stored")


urlpatterns = [path("api/form", form)]
