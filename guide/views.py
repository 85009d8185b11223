"""Thin views: parse the request, call the engine, render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .rules import get_rulebook


@require_GET
def questionnaire(request: HttpRequest) -> HttpResponse:
    rulebook = get_rulebook()
    return render(request, "guide/questionnaire.html", {"rulebook": rulebook})


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: the process is up. It touches neither the database nor the cache."""
    return HttpResponse("ok", content_type="text/plain")
