from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("pilots/", include("pilots.urls")),
    path("kandidaten/", include("candidates.urls")),
    path("werkgevers/", include("employers.urls")),
    path("rapportages/", include("reports.urls")),
    path("beheer/", admin.site.urls),
]
