"""Two gunicorn servers on different loopback ports, sharing one PostgreSQL and one Redis."""

import os
import threading

import pytest

from .servers import (
    REDIS_URL,
    Browser,
    Server,
    drop_postgres_database,
    flush_redis,
    migrate,
    postgres_database,
    production_env,
    redis_available,
    require,
)

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def cluster():
    require("Redis", redis_available())
    name = f"guide_scale_out_{os.getpid()}"
    database = postgres_database(name)
    flush_redis()
    env = production_env(
        DATABASE_URL=database,
        CACHE_URL=REDIS_URL,
        TRUSTED_PROXIES="1",
        ALLOWED_HOSTS=f"{PUBLIC_HOST},127.0.0.1",
        RATELIMIT_PERMALINKS="5/m",
        CACHE_KEY_PREFIX=f"scale-out-{os.getpid()}",
    )
    migrate(env)
    first, second = Server(env).start(), Server(env).start()
    yield first, second, database
    first.stop()
    second.stop()
    drop_postgres_database(name)
    flush_redis()


PUBLIC_HOST = "guide.test"


def as_client(address: str) -> Browser:
    """A browser whose requests reach the servers through the load balancer, from `address`:
    the balancer passes on the public Host and appends the client to X-Forwarded-For."""
    browser = Browser()
    browser.headers.update({"X-Forwarded-For": address, "Host": PUBLIC_HOST})
    return browser


def rows(database: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(database.replace("postgres://", "postgresql://", 1)) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def test_a_permalink_made_on_one_server_is_served_by_the_other(cluster):
    first, second, _ = cluster
    response = as_client("198.51.100.1").submit(first.url, {"auth": "full", "admin": "yes"})
    assert response.status_code == 303
    page = as_client("198.51.100.1").get(second.url + response.headers["Location"], timeout=10)
    assert page.status_code == 200
    assert "<h1>Django</h1>" in page.text


def test_identical_submissions_racing_through_both_servers_make_one_row(cluster):
    first, second, database = cluster
    answers = {
        "project_size": "medium",
        "database": "nosql",
        "nosql_store": "mongodb",
        "legacy_integration": "yes",
    }
    browsers = [as_client(f"198.51.100.{10 + i}") for i in range(12)]
    for i, browser in enumerate(browsers):  # fetch the forms first, so the posts start together
        browser.get((first if i % 2 else second).url + "/all/", timeout=10)
    start = threading.Barrier(len(browsers))
    locations: list[str] = []

    def post(i: int, browser: Browser) -> None:
        server = first if i % 2 else second
        token = browser.cookies.get("csrftoken")
        start.wait()
        response = browser.post(
            server.url + "/",
            data={"csrfmiddlewaretoken": token, **answers},
            headers={"X-CSRFToken": token},
            allow_redirects=False,
            timeout=30,
        )
        locations.append(f"{response.status_code} {response.headers.get('Location')}")

    threads = [threading.Thread(target=post, args=(i, b)) for i, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(locations)) == 1, locations
    assert locations[0].startswith("303 /r/")
    slug = locations[0].split("/")[2]
    assert rows(database, f"select count(*) from guide_permalink where slug = '{slug}'") == [(1,)]
    assert rows(
        database,
        "select count(*) from guide_permalink where answers @> "
        '\'{"database": "nosql", "legacy_integration": "yes"}\'',
    ) == [(1,)]


def test_the_pdf_cache_is_shared(cluster):
    first, second, database = cluster
    client = as_client("198.51.100.30")
    location = client.submit(first.url, {"forms": "many"}).headers["Location"]
    made = client.get(first.url + location + "pdf", timeout=30)
    assert made.status_code == 200 and made.content.startswith(b"%PDF-")
    slug = location.split("/")[2]
    rows(database, f"delete from guide_permalink where slug = '{slug}'")
    # The row is gone: only the shared cache can answer now.
    served = client.get(second.url + location + "pdf", timeout=30)
    assert served.status_code == 200
    assert served.content == made.content
    assert served.headers["ETag"] == made.headers["ETag"]


def test_the_rate_limit_holds_across_servers(cluster):
    first, second, _ = cluster
    client = as_client("198.51.100.40")
    sizes = ["prototype", "small", "medium", "large"]
    statuses = [
        client.submit(
            (first, second)[i % 2].url, {"project_size": size, "deadline": "tight"}
        ).status_code
        for i, size in enumerate(sizes)
    ]
    assert statuses == [303] * 4
    last = client.submit(second.url, {"project_size": "large", "deadline": "relaxed"})
    assert last.status_code == 303  # the fifth in this minute
    refused = client.submit(first.url, {"project_size": "small", "deadline": "relaxed"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert as_client("198.51.100.41").submit(first.url, {"api": "full"}).status_code == 303
