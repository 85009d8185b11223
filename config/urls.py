"""Every address of the site. A permalink's slug is matched by one converter,
``<permalink:slug>`` (guide.services.permalinks.SlugConverter), here and in the API."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import path, register_converter
from django.urls.converters import get_converters

from guide.api import api
from guide.pdf import views as pdf
from guide.services.permalinks import SlugConverter
from guide.web import card, languages, rules, starter_versions, teams, views

if "permalink" not in get_converters():  # once, though tests may load this module again
    register_converter(SlugConverter, "permalink")

# The pages, in each language: English at the root, the others under /<code>/ (/es/r/<slug>/).
urlpatterns = i18n_patterns(
    path("", views.questionnaire, name="questionnaire"),
    path("all/", views.all_questions, name="all_questions"),
    path("review/", views.review, name="review"),
    path("r/<permalink:slug>/", views.permalink, name="permalink"),
    path("r/<permalink:slug>/pdf", pdf.permalink_pdf, name="permalink_pdf"),
    path("r/<permalink:slug>/starter.zip", views.permalink_starter, name="permalink_starter"),
    path("r/<permalink:slug>/decision.md", views.permalink_decision, name="permalink_decision"),
    path("r/<permalink:slug>/card.png", card.permalink_card, name="permalink_card"),
    path("t/new", teams.new, name="team_new"),
    path("t/", teams.create, name="team_create"),
    path("t/<slug:slug>/", teams.room, name="team_room"),
    path("t/<slug:slug>/live", teams.live, name="team_live"),
    path("t/<slug:slug>/answer/", teams.answer, name="team_answer"),
    path("t/<slug:slug>/join", teams.join, name="team_join"),
    path("t/<slug:slug>/settle", teams.settle, name="team_settle"),
    path("t/<slug:slug>/decision", teams.decision, name="team_decision"),
    path("t/<slug:slug>/remove", teams.remove, name="team_remove"),
    path("t/<slug:slug>/delete", teams.delete, name="team_delete"),
    path("t/<slug:slug>/organizer", teams.organizer, name="team_organizer"),
    path("starters/changes", starter_versions.changes, name="starter_changes"),
    path("rules/", rules.rules, name="rules"),
    path("rules/questions.yaml", rules.rules_file, name="rules_file"),
    path("rules/changes", rules.changes, name="rules_changes"),
    path("rules/q/<slug:ident>/", rules.question, name="rules_question"),
    path("rules/r/<slug:ident>/", rules.rule, name="rules_rule"),
    prefix_default_language=False,
) + [
    path("language/<str:code>/", languages.choose, name="choose_language"),
    path("favicon.ico", views.favicon),
    path("healthz", views.healthz, name="healthz"),
    path("api/", api.urls),
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler400 = "guide.web.views.bad_request"
