"""The partners' API, version 1: the apps' routers under one API object, mounted at /api/v1/ by config/urls.py.

The clients, tokens, scopes, rate limits, problem details and the audit of calls are core.api's.
"""

from ninja.openapi.docs import Swagger

from candidates.api import router as candidates_router
from core.api import ProblemApi, audited_urls, install_problem_handlers
from reports.api import router as reports_router

api = ProblemApi(
    title="Opstap API",
    version="1",
    description=(
        "The API of the Opstap portal for the systems of the partners in a pilot: referral lists in, the status of "
        "cohorts and referrals and the evaluation figures out. Every call carries a client's token "
        "(`Authorization: Bearer opst_…`); errors are RFC 9457 problem details, in Dutch unless Accept-Language "
        "asks for English."
    ),
    urls_namespace="api-v1",
    docs=Swagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_problem_handlers(api)
api.add_router("/", candidates_router)
api.add_router("/", reports_router)

urls = audited_urls(api)
