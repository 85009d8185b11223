"""Many people joining one team room at once, through two real gunicorn servers sharing one
database (SQLite in a file, and PostgreSQL): every join is stored, none lost, no 5xx, a full
room refuses exactly those past its 50 members, and a room deleted while people join and
change it tells each of them it is gone."""

import os
import threading

import pytest
import requests

from guide.models import MAX_MEMBERS

from .servers import Server, drop_postgres_database, migrate, postgres_database, production_env

LIMITS = {
    "RATELIMIT_TEAMS": "1000/m",
    "RATELIMIT_TEAM_ANSWERS": "1000/m",
    "CACHE_URL": "locmemcache://",  # each worker counts its own: no Redis needed
}
#: What the joiners answer, in turn: enough for the room's verdict to have work to do.
ANSWERS = [
    {"auth": "full", "admin": "yes", "architecture": "monolith"},
    {"auth": "none", "admin": "no", "architecture": "microservice"},
    {"auth": "full", "forms": "many", "api": "full", "rate_limiting": "yes"},
    {},
]


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)],
)
def servers(request, tmp_path_factory):
    """Two servers (two workers of four threads each) sharing one migrated database."""
    name = f"guide_team_joins_{os.getpid()}"
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("joins") / "db.sqlite3"
        database = f"sqlite:///{path.resolve()}"  # an absolute path: four slashes
        assert database.startswith("sqlite:////")
    else:
        database = postgres_database(name)
    env = production_env(DATABASE_URL=database, **LIMITS)
    migrate(env)
    started = []
    try:
        for _ in range(2):
            started.append(Server(env).start())
        yield started
    finally:
        for server in started:
            server.stop()
        if request.param == "postgresql":
            drop_postgres_database(name)


def new_room(server, title):
    response = requests.post(f"{server.url}/api/teams", json={"title": title}, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def join_at_once(servers, slug, names):
    """Each name joins from a thread of its own, all let go together, through the servers in
    turn; returns name -> (status, body)."""
    start = threading.Barrier(len(names))
    said: dict[str, tuple[int | None, object]] = {}

    def join(i, name):
        server = servers[i % len(servers)]
        body = {"name": name, "answers": ANSWERS[i % len(ANSWERS)]}
        with requests.Session() as session:
            start.wait()
            try:
                response = session.post(
                    f"{server.url}/api/teams/{slug}/members", json=body, timeout=60
                )
            except requests.RequestException as exc:
                said[name] = (None, repr(exc))
                return
        try:
            said[name] = (response.status_code, response.json())
        except ValueError:
            said[name] = (response.status_code, response.text)

    threads = [threading.Thread(target=join, args=(i, n)) for i, n in enumerate(names)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(said) == set(names)
    return said


def room(server, slug):
    response = requests.get(f"{server.url}/api/teams/{slug}", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def server_errors(servers):
    return [line for s in servers for line in s.output().splitlines() if "Traceback" in line]


def test_thirty_people_joining_at_once_are_all_stored(servers):
    first, second = servers
    slug = new_room(first, "Thirty at once")["slug"]
    names = [f"Person {n:02d}" for n in range(30)]
    said = join_at_once(servers, slug, names)
    statuses = {name: status for name, (status, _) in said.items()}
    assert statuses == dict.fromkeys(names, 201), said
    for server in servers:  # both servers read the same room
        members = room(server, slug)["members"]
        assert sorted(m["name"] for m in members) == names
        ids = [m["id"] for m in members]
        assert len(set(ids)) == 30
        assert set(ids) == {body["id"] for _, body in said.values()}
    # Each secret is its own member's: it changes their answers and nobody else's.
    for n, name in enumerate(names):
        _, body = said[name]
        response = requests.patch(
            f"{servers[n % 2].url}/api/teams/{slug}/members/{body['id']}",
            json={"answers": {"auth": "simple"}},
            headers={"Authorization": f"Bearer {body['member_token']}"},
            timeout=30,
        )
        assert response.status_code == 204, response.text
    members = room(second, slug)["members"]
    assert all(m["answers"] == {"auth": "simple"} for m in members)
    assert not server_errors(servers)


def test_sixty_people_joining_a_room_at_once_leave_exactly_fifty_in_it(servers):
    first, second = servers
    slug = new_room(second, "Sixty at once")["slug"]
    names = [f"Person {n:02d}" for n in range(60)]
    said = join_at_once(servers, slug, names)
    statuses = sorted(status or 0 for status, _ in said.values())
    assert statuses == [201] * MAX_MEMBERS + [409] * (60 - MAX_MEMBERS), said
    stored = {name for name, (status, _) in said.items() if status == 201}
    refused = [body for status, body in said.values() if status == 409]
    assert all(str(MAX_MEMBERS) in body["detail"] for body in refused)
    members = room(first, slug)["members"]
    assert len(members) == MAX_MEMBERS
    assert {m["name"] for m in members} == stored
    assert len({m["id"] for m in members}) == MAX_MEMBERS
    assert not server_errors(servers)


def one_of_thirteen(i, server, made, start, said):
    """The 13th deletes the room; of the others, one in three settles, the rest join."""
    slug, bearer = made["slug"], {"Authorization": f"Bearer {made['organizer_token']}"}
    url = f"{server.url}/api/teams/{slug}"
    with requests.Session() as session:
        start.wait()
        if i == 12:
            sent = session.delete(url, headers=bearer, timeout=60)
        elif i % 3 == 2:
            body = {"question": "auth", "choice": None}
            sent = session.post(f"{url}/settle", json=body, headers=bearer, timeout=60)
        else:
            body = {"name": f"Person {i:02d}", "answers": ANSWERS[i % len(ANSWERS)]}
            sent = session.post(f"{url}/members", json=body, timeout=60)
    said.append((i, sent.status_code, sent.headers.get("Content-Type", "")))


def test_people_joining_and_settling_as_the_room_is_deleted_are_told_it_is_gone(servers):
    """Each request is either done before the deletion or told the room is gone (404): never
    a 500, and nothing is left of the room."""
    said: list[tuple[int, int, str]] = []
    for trial in range(4):
        made = new_room(servers[trial % 2], f"Deleted at once {trial}")
        start = threading.Barrier(13)
        threads = [
            threading.Thread(target=one_of_thirteen, args=(i, servers[i % 2], made, start, said))
            for i in range(13)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        gone = requests.get(f"{servers[0].url}/api/teams/{made['slug']}", timeout=30)
        assert gone.status_code == 404, sorted(x[:2] for x in said[-13:])
    assert len(said) == 4 * 13
    assert {status for i, status, _ in said if i == 12} == {204}, said
    assert {status for i, status, _ in said if i != 12} <= {200, 201, 404}, said
    assert all(kind.startswith("application/json") for i, _, kind in said if i != 12)
    assert not server_errors(servers)
