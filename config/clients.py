"""Who a client is, for the rate limits (django-ratelimit) and the admin's lockouts
(django-axes).

Behind N trusted proxies (TRUSTED_PROXIES=N) the client is the N-th address from the right of
X-Forwarded-For: the one our own proxy appended. Entries further left are whatever the client
chose to send, so they are never trusted.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= proxies:
            return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def login_ip(request: HttpRequest) -> str | None:
    """The client's address for django-axes, which stores it: None when there is none (a
    request made inside the process, such as a test client's log-in)."""
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
