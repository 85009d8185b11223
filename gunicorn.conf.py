"""gunicorn settings for the guide: `gunicorn -c gunicorn.conf.py config.wsgi`.

Everything can be set from the environment (BIND, PORT, WEB_CONCURRENCY, GUNICORN_THREADS,
GUNICORN_TIMEOUT, GUNICORN_NICE, GUNICORN_WARM_PDF). In production gunicorn sits behind nginx
(deploy/), which buffers slow clients; `make serve` starts nginx and two pools of this
configuration: one for every page, one (niced) for the renders.
"""

import os
import sys

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Settings read it too: without a shared cache, each worker allows its share of a rate limit.
os.environ["WEB_CONCURRENCY"] = str(workers)
# Threads, so that a request waiting on a database that does not answer (up to
# DATABASE_QUERY_TIMEOUT) holds one thread, not a whole worker, while pages that need no
# database go on being served. Each kind is gunicorn's own, refusing a request it cannot read
# in the guide's words rather than in an HTML page (config/workers.py).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
_kind = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
if _kind == "sync" and threads > 1:  # as gunicorn itself decides: a sync worker has one thread
    _kind = "gthread"
worker_class = {"gthread": "config.workers.ThreadWorker", "sync": "config.workers.SyncWorker"}.get(
    _kind, _kind
)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
# Load Django, the rulebook and the PDF renderer once in the master: workers fork ready, so a
# recycled worker costs a fork, not a cold start (that showed as p99 spikes under load).
preload_app = True
# Recycle workers now and then (a guard against slow leaks), staggered. Not often: a new worker
# starts with an empty cache (the made pages, PDFs and starters of its memory) and spends a
# second warming the PDF renderer (post_worker_init).
max_requests = 100000
max_requests_jitter = 10000
# Request limits well above this site's largest legitimate request. Behind deploy/serve.py's
# nginx (GUNICORN_BEHIND_NGINX=1), which refuses a request line or a header past 8 KiB and all
# the headers past 32 KiB with its own answers (JSON under /api/), they sit above nginx's, so
# gunicorn never answers first with an HTML page of its own.
if os.environ.get("GUNICORN_BEHIND_NGINX") == "1":
    limit_request_line = 8190
    limit_request_field_size = 16380
    limit_request_fields = 32768
else:
    limit_request_line = 4094
    limit_request_fields = 60
# Only the header nginx sets says HTTPS; another a client adds (X-Forwarded-Ssl: on) cannot
# contradict it, which gunicorn would refuse with a 400 of its own on every address.
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
# No control socket (gunicorn 24+ opens one in ~/.gunicorn by default): the guide is run and
# stopped by signals, and several servers on one machine would share that path.
control_socket_disable = True
# Seconds an idle connection from nginx stays open (gunicorn's default, said here because
# deploy/nginx.conf's upstream keepalive_timeout must stay below it).
keepalive = 2
accesslog = "-"
if os.environ.get("GUNICORN_BEHIND_NGINX") == "1":
    # On a Unix socket the peer has no address: the client's is the one nginx forwards.
    access_log_format = (
        '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
    )
errorlog = "-"
# Trust X-Forwarded-* only from the local proxy; set FORWARDED_ALLOW_IPS behind a balancer.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Refuse to start with a broken configuration or questions.yaml: run Django's system
    checks once, in the master, before any worker is forked."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        django.setup()
        call_command("check")
    except (SystemCheckError, ImproperlyConfigured) as exc:
        print(f"Refusing to start: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)


def post_fork(server, worker):
    """A pool that only renders (deploy/serve.py sets GUNICORN_NICE=10) yields the processor to
    the pool that answers everything else whenever both want it."""
    nice = int(os.environ.get("GUNICORN_NICE", "0"))
    if nice:
        os.nice(nice)


def post_worker_init(worker):
    """Each worker's error log says the requests gunicorn refuses itself at most ten times a
    minute of each kind (config.logs.GunicornRefusals); then the PDF renderer is warmed up."""
    from config.logs import GunicornRefusals

    worker.log.error_log.addFilter(GunicornRefusals())
    warm_pdf(worker)


def warm_pdf(worker):
    """Render a PDF summary in memory before the first request, so that request does not pay
    for finding fonts and parsing stylesheets (GUNICORN_WARM_PDF=0: a pool that renders none)."""
    if os.environ.get("GUNICORN_WARM_PDF", "1") == "0":
        return
    from guide.pdf.render import warm_up

    try:
        warm_up()
    except Exception:  # a worker that cannot render still serves every page; the PDF says so
        worker.log.exception("Warming up the PDF renderer failed")


def worker_exit(server, worker):
    """A worker that is done leaves at once, with the exit code gunicorn gave it, skipping the
    interpreter's teardown: when the whole process group got SIGTERM (systemd's default
    KillMode, a terminal's Ctrl-C), a worker that had rendered a PDF crashed with SIGSEGV in
    that teardown. Logs are flushed first. (gunicorn also calls this in the master, for a
    worker it could not signal: there it does nothing.)"""
    if os.getpid() != worker.pid:
        return
    import logging

    leaving = sys.exc_info()[1]  # gunicorn calls this while the worker's SystemExit goes by
    code = leaving.code if isinstance(leaving, SystemExit) else 0 if leaving is None else 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 1)
