"""Verdicts of named outside sources that the guide must reproduce.

Each scenario is a situation a source describes, its title and address, what it says in our
words, the answers that describe the situation in this guide's questions, and the source's
verdict: "flask" or "django" (the guide must name it and lean or be clear), or "toss_up" (the
source says either will do: the guide must not call it). None of these sources is one of the
five articles the guide grew from. Sources that disagree with each other, or with the guide,
are listed with the reasons in docs/advice.md.
"""

from typing import NamedTuple

import pytest

from guide.engine import CLEAR, LEAN, load_rulebook, score
from tests.conftest import QUESTIONS

RULEBOOK = load_rulebook(QUESTIONS)


class Scenario(NamedTuple):
    id: str
    title: str
    url: str
    says: str
    answers: dict[str, str]
    verdict: str  # "flask", "django" or "toss_up"


SCENARIOS = [
    Scenario(
        "narlock_rdbms_backed_website",
        "Django vs Flask: A practictioner's perspective",
        "https://devel.tech/features/django-vs-flask/",
        "For an ordinary website backed by a relational database, the author says Django is the better fit.",
        {"database": "relational", "frontend": "server"},
        "django",
    ),
    Scenario(
        "narlock_non_relational_corner_case",
        "Django vs Flask: A practictioner's perspective",
        "https://devel.tech/features/django-vs-flask/",
        "Flask is the pick for the unusual projects that gain nothing from Django's tight coupling to a relational database.",
        {"database": "nosql"},
        "flask",
    ),
    Scenario(
        "narlock_prototype_either",
        "Django vs Flask: A practictioner's perspective",
        "https://devel.tech/features/django-vs-flask/",
        "For getting a prototype off the ground quickly, the author rates both frameworks as equally good.",
        {"project_size": "prototype"},
        "toss_up",
    ),
    Scenario(
        "duke_modern_app_full_rest_api",
        "Django vs. Flask",
        "https://jmduke.com/2017/07/05/django-vs-flask",
        "For a modern application that needs a full REST layer (serialization, permissions, filtering), Django REST Framework makes Django the choice.",
        {"api": "full"},
        "django",
    ),
    Scenario(
        "hamlett_worksheet_django_profile",
        "Django vs Flask: How do you choose? (slides)",
        "https://speakerdeck.com/player/c62871a63e2c4c7c9f3cfc36c98ba945",
        "In the author's decision worksheet, a developer with a few years of Python building mostly dynamic HTML pages on SQL, who wants new devs to already know the conventions, scores for Django.",
        {"python_experience": "intermediate", "frontend": "server", "database": "relational"},
        "django",
    ),
    Scenario(
        "hamlett_worksheet_flask_profile",
        "Django vs Flask: How do you choose? (slides)",
        "https://speakerdeck.com/player/c62871a63e2c4c7c9f3cfc36c98ba945",
        "In the same worksheet, a very experienced coder building an API in a service-oriented architecture with several kinds of database scores for Flask, which the slides call best for APIs.",
        {
            "python_experience": "expert",
            "api": "simple",
            "architecture": "microservice",
            "database": "nosql",
        },
        "flask",
    ),
    Scenario(
        "youteam_news_store_blog",
        "Flask vs Django. Which Is Better for Your Web App?",
        "https://youteam.io/blog/flask-vs-django-which-is-better-for-your-web-app/",
        "For a straightforward content product such as a news site, shop or blog, where you care about the end product, the article picks Django.",
        {"content": "cms", "frontend": "server"},
        "django",
    ),
    Scenario(
        "fastapi_docs_nosql_main_store",
        "Alternatives, Inspiration and Comparisons (FastAPI documentation)",
        "https://fastapi.tiangolo.com/alternatives/",
        "With a NoSQL database as the main data store, the FastAPI docs say Django is hard to use (it is tied to relational databases), while Flask's looseness makes it easy.",
        {"database": "nosql"},
        "flask",
    ),
    Scenario(
        "fastapi_docs_no_db_no_user_management",
        "Alternatives, Inspiration and Comparisons (FastAPI documentation)",
        "https://fastapi.tiangolo.com/alternatives/",
        "Flask is the usual choice for applications that need no database, no user management and none of Django's other built-in features.",
        {"database": "none", "auth": "none", "admin": "no"},
        "flask",
    ),
    Scenario(
        "fastapi_docs_api_for_spa_or_iot",
        "Alternatives, Inspiration and Comparisons (FastAPI documentation)",
        "https://fastapi.tiangolo.com/alternatives/",
        "For an API consumed by a modern JavaScript frontend or by devices, the docs note that plain Django was built to render HTML, not such APIs, and call Flask a good match for building APIs.",
        {"frontend": "spa", "api": "simple"},
        "flask",
    ),
    Scenario(
        "maxwell_which_to_learn_first",
        "Django or Flask? Let's settle this right now",
        "https://powerfulpython.com/blog/django-or-flask-lets-settle-this-right-now/",
        "For someone who knows neither framework and is choosing which to learn first, the author says it does not matter because you should end up learning both.",
        {"team_knows": "neither"},
        "toss_up",
    ),
    Scenario(
        "matthes_team_already_on_flask",
        "Create the web application with Flask (issue #30, Python Crash Course 3e repo)",
        "https://github.com/ehmatthes/pcc_3e/issues/30",
        "When a reader's team already works in Flask, the Python Crash Course author agrees that sticking with Flask is the right call.",
        {"team_knows": "flask"},
        "flask",
    ),
    Scenario(
        "matthes_small_project",
        "Create the web application with Flask (issue #30, Python Crash Course 3e repo)",
        "https://github.com/ehmatthes/pcc_3e/issues/30",
        "For a small project that does not need everything Django offers, the author calls Flask a great fit (while warning against rebuilding Django piece by piece on top of it).",
        {"project_size": "small"},
        "flask",
    ),
    Scenario(
        "moin_existing_flask_codebase",
        "flask vs. django vs. x (moinwiki/moin issue #742)",
        "https://github.com/moinwiki/moin/issues/742",
        "The MoinMoin 2 maintainers weighed moving their working Flask wiki to Django, noted that every view would have to be rewritten, and kept Flask.",
        {"existing_code": "flask"},
        "flask",
    ),
    Scenario(
        "open_event_existing_flask_app",
        "refactor: flask vs django (fossasia/open-event-server issue #253)",
        "https://github.com/fossasia/open-event-server/issues/253",
        "Asked whether to rewrite their existing Flask event-management server in Django, the maintainers said a rewrite was unproductive and stayed on Flask.",
        {"existing_code": "flask"},
        "flask",
    ),
    Scenario(
        "datamade_small_request_script_service",
        "Do we want to continue to support Flask? (datamade/how-to issue #25)",
        "https://github.com/datamade/how-to/issues/25",
        "A mostly-Django consultancy concluded that Flask fits best for small services that just take a request, run a scripted operation (merge files, cache documents to S3) and respond.",
        {"project_size": "small", "frontend": "none", "admin": "no"},
        "flask",
    ),
    Scenario(
        "augur_readonly_api_over_existing_schema",
        "Use of Django (augurlabs/augur issue #22)",
        "https://github.com/augurlabs/augur/issues/22",
        "For a read-only REST API plus a static page that calls it, built over someone else's database schema, a contributor argued Django's ORM and templates were unneeded and Flask was enough; the project stayed on Flask.",
        {"api": "simple", "frontend": "spa", "legacy_integration": "yes"},
        "flask",
    ),
    Scenario(
        "grants_gov_backend_api_adr",
        "ADR 0004: API Framework and Libraries (HHS/simpler-grants-gov)",
        "https://github.com/HHS/simpler-grants-gov/blob/main/documentation/decisions/adr/0004-api-framework.md",
        "For the back-end API of grants.gov, with its own separate front end and a contractor that already had a Flask template, the team chose Flask + APIFlask over Django (whose monolith assumes the front end is included).",
        {"frontend": "spa", "api": "full", "team_knows": "flask"},
        "flask",
    ),
    Scenario(
        "mozilla_standup_admin_for_free",
        "Create a simple admin app (mozilla/standup issue #11)",
        "https://github.com/mozilla/standup/issues/11",
        "Instead of wiring up Flask-Admin for basic CRUD admin screens, Mozilla's standup app was rewritten in Django to get the admin built in.",
        {"admin": "yes"},
        "django",
    ),
    Scenario(
        "cfpb_time_squeeze_familiar_stack",
        "Switching to Django (cfpb/owning-a-home-api pull request #5)",
        "https://github.com/cfpb/owning-a-home-api/pull/5",
        "Under a tight deadline, the developer switched a small API from Flask to Django because Django was the stack he already knew.",
        {"deadline": "tight", "team_knows": "django"},
        "django",
    ),
    Scenario(
        "satnogs_couchdb_backend",
        "Development stack refactoring (satnogs/satnogs-db issue #5)",
        "https://github.com/satnogs/satnogs-db/issues/5",
        "For a server backend whose database was to stay CouchDB, the proposal was a lightweight, easily deployed Flask app.",
        {"database": "nosql"},
        "flask",
    ),
    Scenario(
        "reitz_composable_services",
        "Flasky Goodness (Or Why Django Sucks?) - DjangoCon Europe 2012 talk",
        "https://kennethreitz.org/talks/flasky-goodness",
        "For a system built as small, separately deployed and scaled services rather than one codebase, the talk argues Flask is the better fit and Django tends toward a monolith.",
        {"architecture": "microservice"},
        "flask",
    ),
    Scenario(
        "harrison_content_platform_api_cms_react",
        "Flask vs. Django: Why I Chose Django",
        "https://tomharrisonjr.medium.com/flask-vs-django-why-i-chose-django-d248066ddd45",
        "For a platform with a rich content API and data schema, a CMS for users to manage their content, and React front ends, the author started in Flask, found it fell short, and moved to Django.",
        {"frontend": "spa", "api": "full", "content": "cms"},
        "django",
    ),
    Scenario(
        "pythonprogramming_same_websites_either",
        "Web Development Tutorials (Flask vs. Django)",
        "https://pythonprogramming.net/web-development-tutorials/",
        "For an ordinary content website like the tutorial site itself, the author says either framework would do equally well; it happens to be Flask but could just as easily be Django.",
        {"frontend": "server"},
        "toss_up",
    ),
    Scenario(
        "macronaut_both_equally_capable",
        "The One About Django vs. Flask",
        "https://tangents.themacronaut.com/articles/the-one-about-django-vs-flask",
        "A developer who has built apps with both frameworks says that, in his experience, they are equally capable; they differ only in how much control they hand you.",
        {"team_knows": "both"},
        "toss_up",
    ),
    Scenario(
        "decongyu_intranet_analytics_pages",
        "Flask or Django for Web Application?",
        "https://decongyu.com/knowledge4/",
        "For pages that show data-analysis results on a client intranet, with no login and only a few views, the author found Flask fine.",
        {"auth": "none", "project_size": "small", "frontend": "server"},
        "flask",
    ),
    Scenario(
        "decongyu_complex_app_with_users_and_team",
        "Flask or Django for Web Application?",
        "https://decongyu.com/knowledge4/",
        "Once the site needed user management and was complex enough to split across team members, the author concluded Django was the better framework.",
        {"auth": "simple", "project_size": "large"},
        "django",
    ),
    Scenario(
        "vijoin_big_crud_project_with_users",
        "Comment on dev.to discussion of Flask vs Django",
        "https://dev.to/vijoin/comment/gmni",
        "For a big project with the usual CRUD, user accounts and related models, the commenter says Django is the intended tool.",
        {"project_size": "large", "auth": "simple", "database": "relational"},
        "django",
    ),
    Scenario(
        "vijoin_small_rest_api_or_data_analysis",
        "Comment on dev.to discussion of Flask vs Django",
        "https://dev.to/vijoin/comment/gmni",
        "For a small, focused project such as a REST API or a data-analysis service, the commenter says Flask is perfect and Django could be a nightmare.",
        {"project_size": "small", "api": "simple"},
        "flask",
    ),
    Scenario(
        "generalist_cms_ecommerce_admin",
        "Django vs Flask comparison",
        "https://generalistprogrammer.com/comparisons/django-vs-flask",
        "For content-management or e-commerce sites that want a built-in admin, auth and form handling, the comparison says use Django.",
        {"content": "cms", "admin": "yes", "forms": "many"},
        "django",
    ),
    Scenario(
        "generalist_microservice_or_rest_api",
        "Django vs Flask comparison",
        "https://generalistprogrammer.com/comparisons/django-vs-flask",
        "For REST APIs and microservices, the same page says use Flask.",
        {"architecture": "microservice", "api": "simple"},
        "flask",
    ),
    Scenario(
        "generalist_large_team_conventions",
        "Django vs Flask comparison",
        "https://generalistprogrammer.com/comparisons/django-vs-flask",
        "For a large team that benefits from shared conventions, the page says Django is the better fit.",
        {"team_size": "large"},
        "django",
    ),
    Scenario(
        "programmerbay_ecommerce_multi_admin",
        "Which Web Framework is better? Flask or Django",
        "https://www.programmerbay.com/which-web-framework-is-better-flask-or-django/",
        "For a full e-commerce web app with several admin profiles and complex database queries, the article says use Django.",
        {"auth": "full", "admin": "yes", "database": "relational"},
        "django",
    ),
    Scenario(
        "brumadinho_relational_geodata_existing_django",
        "Changing backend to Flask application API (sosbrumadinho/brumadinho_location issue #56)",
        "https://github.com/sosbrumadinho/brumadinho_location/issues/56",
        "For an emergency-response backend already started in Django, built on relational data with geolocation (PostGIS) and with no time to spare, contributors argued against switching to Flask.",
        {"database": "relational", "existing_code": "django", "deadline": "tight"},
        "django",
    ),
    Scenario(
        "cccatalog_dataviz_future_admin",
        "Add server side filtering (cc-archive/cccatalog-dataviz pull request #29)",
        "https://github.com/cc-archive/cccatalog-dataviz/pull/29",
        "Although Flask covered the current endpoints, the team chose Django for built-in security, a consistent structure and an expected admin page for data upload.",
        {"admin": "yes", "api": "simple"},
        "django",
    ),
    Scenario(
        "grinberg_small_personal_blog_engine",
        "Talk Python To Me #48: Flask with Miguel Grinberg (episode transcript)",
        "https://github.com/mikeckennedy/talk-python-transcripts/blob/030d56015b9fee2c28328008fff4f94795887fe5/transcripts/048.txt",
        "Writing his own small personal blog engine, Miguel Grinberg found Django overkill and Bottle too bare, and picked Flask as the balance that let him control every detail.",
        {"project_size": "small", "team_size": "solo"},
        "flask",
    ),
    Scenario(
        "aideveloper_model_rest_api",
        "Required tutorial: How to use AI Models in real life (maikherbig/AIDeveloper issue #48)",
        "https://github.com/maikherbig/AIDeveloper/issues/48",
        "For a web REST API whose job is to serve a trained image-classification model, the requester urges Flask because the work is about the model, not the web framework.",
        {"ml_model": "yes", "api": "simple"},
        "flask",
    ),
    # Found and checked 2026-12-04: decision records, issue threads and posts.
    Scenario(
        "securetea_keep_flask_server",
        "New Backend using Django (OWASP/SecureTea-Project, pull request 344)",
        "https://github.com/OWASP/SecureTea-Project/pull/344",
        "Maintainers of a security tool with an Angular GUI on a Flask API turned down a Django rewrite: moving an existing Flask server gained nothing.",
        {"existing_code": "flask", "frontend": "spa", "api": "simple"},
        "flask",
    ),
    Scenario(
        "numfocus_result_server_flask_angular",
        "Write a result-aggregation server for the installation-test scripts (numfocus/gsoc, issue 3)",
        "https://github.com/numfocus/gsoc/issues/3",
        "For a small server collecting test results, with a separate JavaScript front end and SQLAlchemy on a relational database, the plan was Flask.",
        {"project_size": "small", "frontend": "spa", "database": "relational", "api": "simple"},
        "flask",
    ),
    Scenario(
        "llc_beginners_small_api",
        "Add Flask Microframework to Resources (ladieslearningcode/llc-intro-to-python, pull request 42)",
        "https://github.com/ladieslearningcode/llc-intro-to-python/pull/42",
        "For learners' small projects and API layers, the course points to Flask as easier to learn than Django.",
        {"python_experience": "beginner", "project_size": "small", "api": "simple"},
        "flask",
    ),
    Scenario(
        "shiningflash_ebilling",
        "Django vs. Flask, Which Should You Choose?",
        "https://shiningflash.github.io/posts/django-vs-flask",
        "A billing app that needed sign-in, an admin panel and complex database work, up quickly, went to Django because it had all of that in one package.",
        {"auth": "full", "admin": "yes", "database": "relational", "deadline": "tight"},
        "django",
    ),
    Scenario(
        "shiningflash_microservice",
        "Django vs. Flask, Which Should You Choose?",
        "https://shiningflash.github.io/posts/django-vs-flask",
        "The same writer later built a small micro-service in Flask and found it a perfect fit.",
        {"architecture": "microservice", "project_size": "small"},
        "flask",
    ),
    Scenario(
        "skytech_ml_proof_of_concept",
        "How Django helped in rapid application development especially for Machine Learning projects",
        "https://www.skytechconsultancy.com/insights-machine-learning",
        "Turning a notebook model into a small proof-of-concept API with few endpoints is where the consultancy finds Flask good.",
        {"ml_model": "yes", "project_size": "prototype", "api": "simple"},
        "flask",
    ),
    Scenario(
        "skytech_ml_full_stack_product",
        "How Django helped in rapid application development especially for Machine Learning projects",
        "https://www.skytechconsultancy.com/insights-machine-learning",
        "A full-stack product built around models (database, migrations, API routing) is where the same page says to consider Django.",
        {
            "ml_model": "no",
            "frontend": "server",
            "database": "relational",
            "api": "full",
            "project_size": "medium",
        },
        "django",
    ),
    Scenario(
        "bhandari_ml_end_to_end",
        "Choosing between Flask and Django",
        "https://rohitbhandarionline.medium.com/choosing-between-flask-and-django-f2f630bbf272",
        "An end-to-end data product with front end, back end and an admin panel gains from Django's ready-made architecture.",
        {"frontend": "server", "admin": "yes", "ml_model": "no", "project_size": "medium"},
        "django",
    ),
    Scenario(
        "cv_tailor_adr_django",
        "ADR: choose Django DRF over FastAPI for the backend (hardness1020/CV-AI-Tailor)",
        "https://github.com/hardness1020/CV-AI-Tailor/blob/main/docs/adrs/adr-20250923-backend-framework.md",
        "A SaaS MVP with complex auth, an admin, PostgreSQL and a documented API, built by a team that knows Django, chose Django: Flask meant too much assembly.",
        {
            "auth": "full",
            "admin": "yes",
            "database": "relational",
            "api": "full",
            "team_knows": "django",
            "deadline": "tight",
            "ml_model": "no",
        },
        "django",
    ),
    Scenario(
        "verolinux_small_apps_and_apis",
        "Che fine ha fatto Django?",
        "https://verolinux.org/che-fine-ha-fatto-django/",
        "A hobbyist dropped Django for Flask for a few small personal apps and APIs, picking only the parts each needs.",
        {"project_size": "small", "api": "simple", "team_size": "solo"},
        "flask",
    ),
    Scenario(
        "beginners_split",
        "Beginners should use Django, not Flask",
        "https://www.bitecode.dev/p/beginners-should-use-django-not-flask",
        "Bite Code argues Django is the better first framework for a serious project, where Sharma and Ladies Learning Code point beginners to Flask: being new to Python, on its own, decides nothing.",
        {"python_experience": "beginner"},
        "toss_up",
    ),
    Scenario(
        "narlock_prototype_either_with_experience",
        "Django vs Flask: A practictioner's perspective",
        "https://devel.tech/features/django-vs-flask/",
        "Both frameworks excel at getting a prototype off the ground, whoever builds it: a prototype by an experienced team decides nothing either.",
        {"project_size": "prototype", "python_experience": "expert"},
        "toss_up",
    ),
]


def test_there_are_enough_scenarios_from_enough_sources():
    assert len(SCENARIOS) >= 25
    assert len({s.url for s in SCENARIOS}) >= 20
    assert sum(s.verdict == "toss_up" for s in SCENARIOS) >= 3
    assert all(s.url.startswith("https://") for s in SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_the_guide_gives_the_verdict_the_source_gives(scenario):
    result = score(RULEBOOK, scenario.answers)
    called = result["state"] in (LEAN, CLEAR)
    if scenario.verdict == "toss_up":
        assert not called, (scenario.says, result["state"], result["gap"])
    else:
        assert (result["recommendation"], called) == (scenario.verdict, True), (
            scenario.says,
            result["state"],
            result["gap"],
        )
