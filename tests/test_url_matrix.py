"""Every named URL × every role gets the answer docs/permissions.md promises.

MATRIX has one entry per URL name: who may open it, who may post to it, and which objects fill its
arguments. A URL name in the URL configuration without an entry fails the suite: a new view needs a rule.
The objects come from the visitor's own tenant (tests/tenants.py), so a 404 here is never "scoped out";
test_cross_tenant.py tries the other tenant's objects.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.roles import Role
from tests.tenants import ANONYMOUS, VISITORS, Tenant, World, build_world

pytestmark = pytest.mark.django_db

LOGIN = "login"  # the answer of a view that sends the visitor to the login page
# A refused POST: to the login page, forbidden, not found (scoped out), or not a method the view takes.
REFUSALS = frozenset({LOGIN, 403, 404, 405})

A = Role.ADVISER.value
E = Role.EMPLOYER_CONTACT.value
C = Role.COORDINATOR.value
T = Role.TRAINING_PARTNER.value
S = Role.ADMINISTRATOR.value
EVERYONE = frozenset({ANONYMOUS, A, E, C, T, S})
LOGGED_IN = frozenset({A, E, C, T, S})
# The login page sends someone who is logged in on to the home page.
_REDIRECTS_LOGGED_IN = dict.fromkeys(LOGGED_IN, 302)

# Not the portal's own views: Django's admin (staff only, its own permission checks), the language
# switch and the translation catalogue.
# The API (api-v1) answers tokens, not logins: its own tables test every endpoint × scope × organisation
# (candidates/tests/test_api.py, reports/tests/test_api.py).
SKIPPED_NAMESPACES = frozenset({"admin", "api-v1"})
SKIPPED_NAMES = frozenset({"set_language", "javascript-catalog"})


@dataclass(frozen=True)
class Rule:
    """Who may open a URL, and what they get.

    `who` get `get` on a GET: 200, 302 for a view that redirects, 405 for a view that only takes a POST.
    Anonymous visitors outside `who` go to the login page, other roles get a 403. `post`: the roles who
    may change data through the URL (empty: a page that changes nothing); everyone else is refused a POST.
    `post_only`: the view refuses a GET before it looks at the role, so every GET is a 405.
    `answers` overrides the answer to a GET for single visitors.
    """

    who: frozenset[str]
    kwargs: Callable[[Tenant], dict]
    get: int | str = 200
    post: frozenset[str] = frozenset()
    post_only: bool = False
    answers: dict[str, int | str] = field(default_factory=dict)

    def expected(self, visitor: str) -> int | str:
        if visitor in self.answers:
            return self.answers[visitor]
        if self.post_only:
            return 405
        if visitor in self.who:
            return self.get
        return LOGIN if visitor == ANONYMOUS else 403

    @property
    def has_objects(self) -> bool:
        """Whether the URL names objects of a tenant, rather than taking fixed arguments or none."""
        probe = _TenantProbe()
        self.kwargs(probe)
        return probe.read


def rule(
    who,
    *,
    kwargs: Callable[[Tenant], dict] | None = None,
    get: int | str = 200,
    post=(),
    post_only: bool = False,
    answers: dict | None = None,
) -> Rule:
    return Rule(
        who=frozenset(who),
        kwargs=kwargs or (lambda t: {}),
        get=get,
        post=frozenset(post),
        post_only=post_only,
        answers=answers or {},
    )


class _TenantProbe:
    """Stands in for a tenant and notes whether a rule's arguments read any of its objects."""

    read = False

    def __getattr__(self, name):
        self.read = True
        return self

    pk = slug = 0


def _cohort(t: Tenant) -> dict:
    return {"pk": t.cohort.pk}


def _pilot(t: Tenant) -> dict:
    return {"slug": t.pilot.slug}


def _host(t: Tenant) -> dict:
    return {"slug": t.pilot.slug, "employer_pk": t.employer.pk}


def _candidate(t: Tenant) -> dict:
    return {"pk": t.candidate.pk}


def _enrolment(t: Tenant) -> dict:
    return {"pk": t.enrolment.pk}


def _hosted(t: Tenant) -> dict:
    return {"pk": t.hosted_enrolment.pk}


def _placement(t: Tenant) -> dict:
    return {"pk": t.placement.pk}


def _offer(t: Tenant) -> dict:
    return {"pk": t.offer.pk}


def _vacancy(t: Tenant) -> dict:
    return {"pk": t.vacancy.pk}


def _report_job(t: Tenant) -> dict:
    return {"pk": t.report_job.pk}


def _tenant_adviser(t: Tenant) -> dict:
    # The tenant's adviser, reached through an attribute so the probe sees that the rule names an object.
    return {"pk": t.candidate.adviser.pk}


def _api_client(t: Tenant) -> dict:
    # The API client of the tenant's WSP, issued the first time a rule asks for it.
    if isinstance(t, _TenantProbe):
        return {"pk": t.wsp.pk}
    from core.models import ApiClient
    from core.tests.api import issue

    client = ApiClient.objects.filter(organisation=t.wsp).first() or issue(t.wsp)[0]
    return {"pk": client.pk}


# One entry per URL name. A: adviser, E: employer contact, C: coordinator, T: training partner,
# S: administrator (superuser). Keep it in step with docs/permissions.md.
MATRIX: dict[str, Rule] = {
    "home": rule(LOGGED_IN, get=302),
    "login": rule(EVERYONE, answers=_REDIRECTS_LOGGED_IN),
    "logout": rule(EVERYONE, get=405),
    "password_reset": rule(EVERYONE),
    "password_reset_done": rule(EVERYONE),
    "password_reset_confirm": rule(EVERYONE, kwargs=lambda t: {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": rule(EVERYONE),
    "healthz": rule(EVERYONE),
    "readyz": rule(EVERYONE),
    "guide": rule(LOGGED_IN),
    "guide-chapter": rule(LOGGED_IN, kwargs=lambda t: {"chapter": "gastwerkgever"}),
    "guide-image": rule(LOGGED_IN, kwargs=lambda t: {"name": "gastwerkgever-start.png"}),
    "pilots:coordinator-start": rule({C, S}),
    "pilots:training-start": rule({T, S}),
    "pilots:cohort-detail": rule({A, C, T, S}, kwargs=_cohort),
    "pilots:cohort-learning-line": rule({A, C, T, S}, post={C, S}, kwargs=_cohort),
    "pilots:attendance": rule({A, C, T, S}, post={A, C, T, S}, kwargs=_cohort),
    "pilots:results": rule({A, C, T, S}, post={T, S}, kwargs=_cohort),
    "pilots:certificates-expiring": rule({A, C, T, S}),
    "pilots:learning-line": rule({A, C, T, S}, post={C, S}, kwargs=_pilot),
    "pilots:pilot-detail": rule({A, C, T, S}, kwargs=_pilot),
    "pilots:cohort-create": rule({C, S}, post={C, S}, kwargs=_pilot),
    "pilots:cohort-update": rule({C, S}, post={C, S}, kwargs=_cohort),
    "pilots:cohort-class-create": rule({C, S}, get=405, post={C, S}, kwargs=_cohort),
    "pilots:cohort-class-update": rule({C, S}, post={C, S}, kwargs=lambda t: {"pk": t.cohort_class.pk}),
    "pilots:cohort-class-delete": rule({C, S}, get=405, post={C, S}, kwargs=lambda t: {"pk": t.cohort_class.pk}),
    "pilots:cohort-close": rule({C, S}, post={C, S}, kwargs=_cohort),
    "pilots:cohort-copy": rule({C, S}, post={C, S}, kwargs=_cohort),
    "pilots:host-list": rule({C, S}, kwargs=_pilot),
    "pilots:host-add": rule({C, S}, get=405, post={C, S}, kwargs=_pilot),
    "pilots:host-create": rule({C, S}, get=405, post={C, S}, kwargs=_pilot),
    "pilots:host-detail": rule({C, S}, post={C, S}, kwargs=_host),
    "pilots:host-location-create": rule({C, S}, post={C, S}, kwargs=_host),
    "pilots:host-location-update": rule(
        {C, S}, post={C, S}, kwargs=lambda t: {**_host(t), "pk": t.placement.location.pk}
    ),
    "pilots:pilot-setup": rule({C, S}, post={C, S}),
    "pilots:pilot-setup-details": rule({C, S}, post={C, S}, kwargs=_pilot),
    "pilots:pilot-setup-partners": rule({C, S}, post={C, S}, kwargs=_pilot),
    "pilots:pilot-setup-modules": rule({C, S}, post={C, S}, kwargs=_pilot),
    "pilots:pilot-setup-summary": rule({C, S}, post={C, S}, kwargs=_pilot),
    "pilots:pilot-copy": rule({C, S}, post={C, S}, kwargs=_pilot),
    "pilots:pilot-history": rule({C, S}, kwargs=_pilot),
    "pilots:reference-list": rule({C, S}),
    "pilots:reference-create": rule({C, S}, post={C, S}, kwargs=lambda t: {"kind": "sector"}),
    "pilots:reference-edit": rule({C, S}, post={C, S}, kwargs=lambda t: {"kind": "sector", "code": "childcare"}),
    "pilots:region-create": rule({C, S}, post={C, S}),
    "pilots:region-edit": rule({C, S}, post={C, S}, kwargs=lambda t: {"slug": "regio-eigen"}),
    "candidates:adviser-start": rule({A, S}),
    "candidates:candidate-list": rule({A, C, T, S}),
    "candidates:candidate-export": rule({A, C, S}, kwargs=lambda t: {"fmt": "csv"}),
    "candidates:candidate-create": rule({A, S}, post={A, S}),
    "candidates:caseload-reassign": rule({C, S}, post={C, S}),
    "candidates:candidate-detail": rule({A, C, T, S}, kwargs=_candidate),
    "candidates:candidate-edit": rule({A, S}, post={A, S}, kwargs=_candidate),
    "candidates:note-add": rule({A, C, S}, get=405, post={A, C, S}, kwargs=_candidate),
    "candidates:import-upload": rule({A, S}, post={A, S}),
    "candidates:import-history": rule({A, S}),
    "candidates:import-template": rule({A, S}, kwargs=lambda t: {"fmt": "csv"}),
    "candidates:import-preview": rule({A, S}, get=302, post={A, S}, kwargs=lambda t: {"token": "0" * 32}),
    # A job of nobody: the roles that import get a 404 (another user's job is not found either).
    "candidates:import-job": rule({A, S}, get=404, post={A, S}, kwargs=lambda t: {"job_id": "0" * 32}),
    "candidates:screening-plan": rule({A, S}, post={A, S}, kwargs=_enrolment),
    "candidates:appointment-ics": rule({A, C, S}, kwargs=lambda t: {"pk": t.appointment.pk}),
    "candidates:appointment-cancel": rule(
        {A, S}, post={A, S}, post_only=True, kwargs=lambda t: {"pk": t.appointment.pk}
    ),
    "candidates:screening-record": rule({A, S}, post={A, S}, kwargs=_enrolment),
    "candidates:enrolment-transition": rule({A, C, S}, post={A, C, S}, post_only=True, kwargs=_enrolment),
    "candidates:interest-confirm": rule({A, C, S}, post={A, C, S}, post_only=True, kwargs=_enrolment),
    "candidates:cohort-selection": rule({A, C, S}, post={A, C, S}, kwargs=_cohort),
    "candidates:reserve-promote": rule({A, C, S}, post={A, C, S}, post_only=True, kwargs=_cohort),
    "candidates:carry-over": rule({A, C, S}, post={A, C, S}, kwargs=_cohort),
    "candidates:board": rule({A, C, T, S}, kwargs=_pilot),
    "candidates:coaching": rule({A, C, T, S}, post={A, T, S}, kwargs=_hosted),
    "candidates:evaluation": rule(
        {A, C, T, S}, post={A, T, S}, kwargs=lambda t: {"pk": t.hosted_enrolment.pk, "moment": "mid_term"}
    ),
    "candidates:leave": rule({A, S}, post={A, S}, kwargs=_hosted),
    "candidates:outflow-record": rule({A, C, T, S}, post={A, S}, kwargs=lambda t: {"pk": t.outflow_enrolment.pk}),
    "candidates:followup-record": rule({A, S}, post={A, S}, kwargs=lambda t: {"pk": t.followup.pk}),
    "employers:start": rule({E}),
    "employers:placement-detail": rule({E}, kwargs=_placement),
    "employers:placement-confirm": rule({E}, post={E}, post_only=True, kwargs=_placement),
    "employers:placement-decline": rule({E}, post={E}, post_only=True, kwargs=_placement),
    "employers:placement-start": rule({E}, post={E}, post_only=True, kwargs=_placement),
    "employers:placement-end": rule({E}, post={E}, post_only=True, kwargs=_placement),
    "employers:seat-offers": rule({E}, post={E}),
    "employers:contract-offers": rule({E}),
    "employers:contract-offer-create": rule({E}, post={E}, kwargs=lambda t: {"enrolment": t.hosted_enrolment.pk}),
    "employers:contract-offer-withdraw": rule({E}, post={E}, post_only=True, kwargs=_offer),
    "employers:contract-offer-answer": rule({E}, post={E}, post_only=True, kwargs=_offer),
    "employers:placement-propose": rule({A, C, S}, post={A, C, S}, kwargs=lambda t: {"enrolment_pk": t.enrolment.pk}),
    "employers:seat-offer-on-behalf": rule({A, C, S}, post={A, C, S}, kwargs=lambda t: {"cohort_pk": t.cohort.pk}),
    "employers:vacancy-list": rule({A, C, S}),
    "employers:vacancy-create": rule({A, C, S}, post={A, C, S}),
    "employers:vacancy-detail": rule({A, C, S}, kwargs=_vacancy),
    "employers:vacancy-apply": rule({A, C, S}, get=405, post={A, C, S}, kwargs=_vacancy),
    "employers:vacancy-distribute": rule({A, C, S}, post={A, C, S}, kwargs=_vacancy),
    "employers:adviser-enrolment": rule({A, C, S}, kwargs=lambda t: {"enrolment_pk": t.hosted_enrolment.pk}),
    "employers:accepted-offer-apply": rule(
        {A, C, S}, get=405, post={A, C, S}, kwargs=lambda t: {"enrolment_pk": t.hosted_enrolment.pk}
    ),
    "employers:contract-offer-answer-adviser": rule({A, C, S}, get=405, post={A, C, S}, kwargs=_offer),
    "employers:placement-end-adviser": rule(
        {A, C, S}, get=405, post={A, C, S}, kwargs=lambda t: {"pk": t.offer.placement.pk}
    ),
    "reports:dashboard": rule({A, C, S}, kwargs=_pilot),
    "reports:dashboard-xlsx": rule({A, C, S}, kwargs=_pilot),
    "reports:dashboard-csv": rule({A, C, S}, kwargs=_pilot),
    "reports:compare": rule({A, C, S}),
    "reports:job-new": rule({C, S}, post={C, S}),
    "reports:job-list": rule({C, S}),
    "reports:job-detail": rule({C, S}, kwargs=_report_job),
    "reports:job-status": rule({C, S}, kwargs=_report_job),
    "reports:job-download": rule({C, S}, kwargs=_report_job),
    "reports:job-retry": rule({C, S}, kwargs=_report_job, post={C, S}, post_only=True),
    "candidates:candidate-access": rule({A, S}, kwargs=_candidate),
    "candidates:candidate-access-json": rule({A, S}, kwargs=_candidate),
    "candidates:candidate-erase": rule({A, S}, kwargs=_candidate, post={A, S}),
    # Everyone's own account: without a confirmed device the code page sends one on.
    "otp-verify": rule(LOGGED_IN, get=302),
    "otp-setup": rule(LOGGED_IN),
    # An invitation's link: anyone may open one; a token that names no invitation is a page that says so.
    "invitation-accept": rule(EVERYONE, get=404, kwargs=lambda t: {"token": "onbekend"}),
    "admin-home": rule({S}),
    "audit-log": rule({S}),
    "people:list": rule({C, S}, post={C, S}),
    "people:resend": rule({C, S}, post={C, S}, post_only=True, kwargs=_tenant_adviser),
    "people:reactivate": rule({C, S}, post={C, S}, post_only=True, kwargs=_tenant_adviser),
    "people:deactivate": rule({C, S}, post={C, S}, kwargs=_tenant_adviser),
    "api-clients:list": rule({C, S}, post={C, S}),
    "api-clients:revoke": rule({C, S}, post={C, S}, post_only=True, kwargs=_api_client),
}


def walk_url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    """Every named URL of the configuration, with its namespaces, through every include."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from walk_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def portal_url_names() -> list[str]:
    names = {}
    for name in walk_url_names():
        if name.split(":")[0] in SKIPPED_NAMESPACES or name in SKIPPED_NAMES:
            continue
        names[name] = None
    return list(names)


def rule_for(name: str) -> Rule:
    if name not in MATRIX:
        pytest.fail(
            f"The URL name {name!r} has no rule: add the URL to the matrix (MATRIX in tests/test_url_matrix.py) "
            "with who may open it, and to docs/permissions.md."
        )
    return MATRIX[name]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Both tenants, built once for the module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def no_required_two_factor(settings):
    """The answers are about roles and objects; a required second step would put itself in front of all."""
    settings.OTP_REQUIRED_ROLES = []


def own_user(world: World, visitor: str):
    return None if visitor == ANONYMOUS else world.own.users[visitor]


def answer_of(response) -> int | str:
    if response.status_code == 302 and response["Location"].split("?")[0] == reverse("login"):
        return LOGIN
    return response.status_code


def test_every_rule_names_a_url():
    stale = sorted(set(MATRIX) - set(portal_url_names()))
    assert not stale, f"Rules for URL names that no longer exist: {stale}; remove them from the matrix."


@pytest.mark.parametrize(("name", "visitor"), [(name, visitor) for name in portal_url_names() for visitor in VISITORS])
def test_get_answers_as_the_matrix_says(world, name, visitor):
    rule = rule_for(name)
    url = reverse(name, kwargs=rule.kwargs(world.own))
    response = world.client(own_user(world, visitor)).get(url)
    assert answer_of(response) == rule.expected(visitor), f"GET {url} as {visitor}"


def _refused_posts() -> list[tuple[str, str]]:
    return [
        (name, visitor)
        for name in portal_url_names()
        if name in MATRIX and MATRIX[name].post
        for visitor in VISITORS
        if visitor not in MATRIX[name].post
    ]


@pytest.mark.parametrize(("name", "visitor"), _refused_posts())
def test_post_is_refused_to_roles_that_may_not_change(world, name, visitor):
    """With objects of the visitor's own tenant, so that the refusal is the role's and not the scope's."""
    rule = MATRIX[name]
    url = reverse(name, kwargs=rule.kwargs(world.own))
    response = world.client(own_user(world, visitor)).post(url, {"text": "Poging", "status": "selected"})
    answer = answer_of(response)
    assert answer in REFUSALS, f"POST {url} as {visitor} answered {answer}"
    if visitor == ANONYMOUS:
        assert answer in (LOGIN, 405)


def test_rules_have_posters_among_readers():
    """Who may post may also open the page; a rule that says otherwise is a typing error."""
    odd = {name: sorted(rule.post - rule.who) for name, rule in MATRIX.items() if rule.post - rule.who}
    assert not odd
