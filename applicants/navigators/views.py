"""Community navigators' pages (resident-style, not the admin) and the resident's own
"Let an organization help me" page.

Every navigator URL naming a client goes through `navigators.selectors.client_for_membership`,
which answers 404 for anything but a current client of the navigator's own organization;
every view of a client's data leaves a `PartnerAccessEvent`.

Linking an existing account works one way: the resident generates a one-time code on
their own page and tells it to the navigator, who enters it here. Generating and handing
over the code is the resident's consent; a navigator never learns anything that would let
them link an account without it.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants.navigators.acting import acting_session_start, acting_session_stop
from applicants.navigators.forms import (
    REQUIRED_CLIENT_KEYS,
    ClientAddForm,
    ClientSearchForm,
    LinkCodeForm,
    client_questions,
)
from applicants.navigators.models import ClientRelationship, PartnerAccessEvent
from applicants.navigators.selectors import (
    applications_by_applicant,
    client_details,
    client_for_membership,
    navigator_membership,
    organization_clients,
    organization_figures,
    relationships_for_resident,
)
from applicants.navigators.services import (
    LINK_CODE_LIFETIME,
    LinkCodeInvalid,
    NotAllowed,
    client_create,
    link_code_create,
    link_code_redeem,
    partner_access_record,
    relationship_revoke,
)
from applicants.services import applicant_for_user_get_or_create
from applicants.views.common import language_of
from programs.models import Program

CLIENTS_PER_PAGE = 25


def _sign_in_redirect(request):
    return redirect(
        reverse("applicants:sign_in") + "?" + urlencode({"next": request.get_full_path()})
    )


def navigator_required(view):
    """Signed in, and a member of an active partner organization (`request.membership`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _sign_in_redirect(request)
        membership = navigator_membership(user=request.user)
        if membership is None:
            raise PermissionDenied
        request.membership = membership
        return view(request, *args, **kwargs)

    return wrapper


def _record(request, action, *, applicant=None, detail=None):
    partner_access_record(
        actor=request.user,
        organization=request.membership.organization,
        applicant=applicant,
        action=action,
        path=request.get_full_path(),
        detail=detail,
    )


def _name_of(relationship, details) -> str:
    found = details.get(relationship.applicant_id, {})
    return (
        found.get("name")
        or relationship.applicant.email
        or _("Client #%(number)s") % {"number": relationship.pk}
    )


def _program_names(outcomes: dict, language: str) -> dict[str, str]:

    return {
        program.slug: program.text("name", language)
        for program in Program.objects.filter(slug__in=list(outcomes or {}))
    }


# Navigator pages ----------------------------------------------------------------------


@never_cache
@require_GET
@navigator_required
def dashboard(request):
    form = ClientSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    clients = organization_clients(organization=request.membership.organization, search=search)
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    relationships = list(page.object_list)
    ids = [r.applicant_id for r in relationships]
    details = client_details(ids)
    applications = applications_by_applicant(ids)
    rows = [
        {
            "relationship": r,
            "name": _name_of(r, details),
            "details": details.get(r.applicant_id, {}),
            "applications": applications.get(r.applicant_id, []),
        }
        for r in relationships
    ]
    _record(
        request,
        PartnerAccessEvent.Action.CLIENTS_LISTED,
        detail={"applicants": ids, "search": search, "page": page.number},
    )
    query = urlencode({"q": search}) if search else ""
    return render(
        request,
        "applicants/navigator/dashboard.html",
        {
            "membership": request.membership,
            "organization": request.membership.organization,
            "form": form,
            "search": search,
            "rows": rows,
            "page": page,
            "page_query": query,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@navigator_required
def client_add(request):
    language = language_of(request)
    questions = client_questions()
    available = {question.key for question, _required in questions}
    not_set_up = [key for key in REQUIRED_CLIENT_KEYS if key not in available]
    form = ClientAddForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        language=language,
    )
    if request.method == "POST" and not not_set_up and form.is_valid():
        relationship = client_create(
            membership=request.membership, values=form.answers(), language=language
        )
        messages.success(request, _("Client added. You can now act for them."))
        return redirect("applicants:navigator_client", pk=relationship.pk)
    return render(
        request,
        "applicants/navigator/client_add.html",
        {"form": form, "not_set_up": not_set_up, "organization": request.membership.organization},
        status=400 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@navigator_required
def client_link(request):
    form = LinkCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            relationship = link_code_redeem(
                code=form.cleaned_data["code"],
                membership=request.membership,
                path=request.get_full_path(),
            )
        except LinkCodeInvalid as error:
            form.add_error("code", error.messages[0])
        else:
            messages.success(request, _("The resident's account is linked to your organization."))
            return redirect("applicants:navigator_client", pk=relationship.pk)
    return render(
        request,
        "applicants/navigator/client_link.html",
        {"form": form, "organization": request.membership.organization},
        status=400 if form.errors else 200,
    )


@never_cache
@require_GET
@navigator_required
def client_detail(request, pk):
    language = language_of(request)
    relationship = client_for_membership(membership=request.membership, relationship_id=pk)
    applicant = relationship.applicant
    details = client_details([applicant.pk])
    screening = applicant.screenings.order_by("-created_at", "-pk").first()
    outcomes = screening.outcomes if screening else {}
    names = _program_names(outcomes, language)
    _record(
        request,
        PartnerAccessEvent.Action.CLIENT_VIEWED,
        applicant=applicant,
        detail={"relationship": relationship.pk},
    )
    return render(
        request,
        "applicants/navigator/client_detail.html",
        {
            "organization": request.membership.organization,
            "relationship": relationship,
            "name": _name_of(relationship, details),
            "details": details.get(applicant.pk, {}),
            "screening": screening,
            "screening_rows": [
                {"program": names.get(slug, slug), "outcome": outcome}
                for slug, outcome in sorted(outcomes.items(), key=lambda i: names.get(i[0], i[0]))
            ],
            "applications": applications_by_applicant([applicant.pk]).get(applicant.pk, []),
            "acting_here": request.acting is not None
            and request.acting.relationship.pk == relationship.pk,
        },
    )


@require_POST
@navigator_required
def client_act(request, pk):
    """Start the resident journey on the client's behalf."""
    relationship = client_for_membership(membership=request.membership, relationship_id=pk)
    acting_session_start(request, relationship=relationship)
    _record(
        request,
        PartnerAccessEvent.Action.ACTING_STARTED,
        applicant=relationship.applicant,
        detail={"relationship": relationship.pk},
    )
    return redirect("applicants:resume")


@require_POST
def acting_stop(request):
    """Stop acting for a client (any signed-in user may clear their own session flag)."""
    if not request.user.is_authenticated:
        return _sign_in_redirect(request)
    acting = request.acting
    acting_session_stop(request)
    if acting is None:
        return redirect("applicants:navigator_dashboard")
    partner_access_record(
        actor=request.user,
        organization=acting.organization,
        applicant=acting.applicant,
        action=PartnerAccessEvent.Action.ACTING_STOPPED,
        path=request.get_full_path(),
        detail={"relationship": acting.relationship.pk},
    )
    messages.success(request, _("You stopped acting for this client."))
    return redirect("applicants:navigator_client", pk=acting.relationship.pk)


@never_cache
@require_GET
@navigator_required
def figures(request):
    """The organization's figures, for its supervisors."""
    if not request.membership.is_supervisor:
        raise PermissionDenied
    _record(request, PartnerAccessEvent.Action.FIGURES_VIEWED)
    return render(
        request,
        "applicants/navigator/figures.html",
        {
            "organization": request.membership.organization,
            "figures": organization_figures(organization=request.membership.organization),
        },
    )


# The resident's own page ----------------------------------------------------------------


def _own_applicant(request):
    # The signed-in person's own record, never the client a navigator may be acting for.
    return applicant_for_user_get_or_create(user=request.user)


@never_cache
@require_http_methods(["GET", "POST"])
def resident_helpers(request):
    """ "Let an organization help me": who acts for the resident, revoke, get a code."""
    if not request.user.is_authenticated:
        return _sign_in_redirect(request)
    applicant = _own_applicant(request)
    code = expires_at = None
    if request.method == "POST":
        try:
            row, code = link_code_create(applicant=applicant)
        except NotAllowed as error:
            messages.error(request, error.messages[0])
        else:
            expires_at = row.expires_at
    return render(
        request,
        "applicants/navigator/resident_helpers.html",
        {
            "relationships": list(relationships_for_resident(applicant=applicant)),
            "code": code,
            "expires_at": expires_at,
            "lifetime_minutes": int(LINK_CODE_LIFETIME.total_seconds() // 60),
        },
    )


@require_POST
def resident_helpers_revoke(request, pk):
    if not request.user.is_authenticated:
        return _sign_in_redirect(request)
    relationship = get_object_or_404(
        ClientRelationship.objects.select_related("organization", "applicant"),
        pk=pk,
        applicant=_own_applicant(request),
        revoked_at__isnull=True,
    )
    relationship_revoke(relationship=relationship, revoked_by=request.user)
    messages.success(
        request,
        _("%(organization)s can no longer see or act on your applications.")
        % {"organization": relationship.organization.name},
    )
    return redirect("applicants:resident_helpers")
