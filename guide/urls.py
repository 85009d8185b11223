from django.contrib import admin
from django.urls import path

from . import views

urlpatterns = [
    path("", views.questionnaire, name="questionnaire"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
