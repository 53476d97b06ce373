from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import LoginForm
from .health import check_health
from .roles import START_PAGES


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own start page."""
    role = request.user.role
    if role is None:
        return render(request, "core/no_role.html", status=403)
    return redirect(START_PAGES[role])


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = check_health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
