from django.urls import path

from . import views, views_jobs

app_name = "reports"
urlpatterns = [
    path("pilot/<slug:slug>/", views.dashboard, name="dashboard"),
    path("pilot/<slug:slug>/cijfers.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("pilot/<slug:slug>/trechter.csv", views.dashboard_csv, name="dashboard-csv"),
    path("vergelijken/", views.compare, name="compare"),
]

# Report jobs: asking for a report, following it, downloading it.
urlpatterns += [
    path("nieuw/", views_jobs.job_new, name="job-new"),
    path("overzicht/", views_jobs.job_list, name="job-list"),
    path("<int:pk>/", views_jobs.job_detail, name="job-detail"),
    path("<int:pk>/status/", views_jobs.job_status, name="job-status"),
    path("<int:pk>/download/", views_jobs.job_download, name="job-download"),
    path("<int:pk>/opnieuw/", views_jobs.job_retry, name="job-retry"),
]
