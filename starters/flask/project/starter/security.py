"""HTTPS in production: what Django's SecurityMiddleware does, and Flask leaves to you.

Without debug, a request that came over plain HTTP is sent on to the same address over
HTTPS (all but the health check, which load balancers call inside their network), and
every answer over HTTPS tells browsers to use nothing else here for HSTS_SECONDS (HTTP
Strict Transport Security). Behind a proxy that ends TLS, set NUM_PROXIES so the app
believes the proxy's X-Forwarded-Proto (see __init__.py).
"""

from flask import Flask, Response, current_app, redirect, request
from werkzeug.wrappers import Response as BaseResponse


def init_app(app: Flask) -> None:
    if not app.debug:
        app.before_request(to_https)
        app.after_request(strict_transport_security)


def to_https() -> BaseResponse | None:
    if request.is_secure or request.path == "/healthz":
        return None
    # 308 keeps the method and body, so a form sent over HTTP is sent again over HTTPS.
    return redirect(request.url.replace("http://", "https://", 1), code=308)


def strict_transport_security(response: Response) -> Response:
    if request.is_secure:
        seconds = current_app.config["HSTS_SECONDS"]
        response.headers["Strict-Transport-Security"] = f"max-age={seconds}"
    return response
