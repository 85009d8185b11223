"""The pages every version of the starter has: the home page and a health check."""

from flask import Blueprint, render_template

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str:
    return render_template("index.html")


@bp.get("/healthz")
def healthz() -> dict[str, str]:
    """For load balancers and uptime checks: answers without touching any service."""
    return {"status": "ok"}
