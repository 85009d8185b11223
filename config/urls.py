from django.conf import settings
from django.contrib import admin
from django.urls import path, re_path

from guide.api import api
from guide.models import SLUG_PATTERN
from guide.pdf import views as pdf_views
from guide.web import card, views

urlpatterns = [
    path("", views.questionnaire, name="questionnaire"),
    re_path(rf"^r/(?P<slug>{SLUG_PATTERN})/$", views.permalink, name="permalink"),
    re_path(rf"^r/(?P<slug>{SLUG_PATTERN})/pdf$", pdf_views.permalink_pdf, name="permalink_pdf"),
    re_path(
        rf"^r/(?P<slug>{SLUG_PATTERN})/starter\.zip$",
        views.permalink_starter,
        name="permalink_starter",
    ),
    path("rules/", views.rules, name="rules"),
    path("rules/questions.yaml", views.rules_file, name="rules_file"),
    re_path(rf"^r/(?P<slug>{SLUG_PATTERN})/card\.png$", card.permalink_card, name="permalink_card"),
    path("favicon.ico", views.favicon),
    path("healthz", views.healthz, name="healthz"),
    path("api/", api.urls),
    path(settings.ADMIN_PATH, admin.site.urls),
]

handler400 = "guide.web.views.bad_request"
