"""A navigator acting for a client: the session flag, and its check on every request.

While the session holds an acting relationship id, `ActingForClientMiddleware` checks on
each request that the navigator may still act for that client (member of an active
organization, relationship not revoked) and sets `request.acting`; the resident journey
(`applicants.identity.current_applicant`) then works on the client's applicant, so the
same intake, results and apply pages serve the navigator. The moment access is removed,
the next request drops the flag and leaves the journey.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from applicants.navigators.models import PartnerAccessEvent
from applicants.navigators.selectors import acting_for, navigator_membership
from applicants.navigators.services import partner_access_record

ACTING_KEY = "partners.acting_relationship_id"

# Pages that work on "the current applicant": left when acting ends mid-way, so nothing
# typed for the client lands in the navigator's own profile.
JOURNEY_URL_NAMES_EXCLUDED = {
    "sign_in",
    "sign_up",
    "sign_out",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


def _journey_session_clear(session) -> None:
    # The chosen programs, the step plan, the submit token and the wizard's storage
    # belong to whoever was being helped; they must not follow the navigator to the next
    # client or back to their own profile.
    for key in list(session.keys()):
        if key.startswith(("applicants.", "wizard_")):
            del session[key]


def acting_session_start(request, *, relationship) -> None:
    _journey_session_clear(request.session)
    request.session[ACTING_KEY] = relationship.pk
    request.session.cycle_key()


def acting_session_stop(request) -> None:
    _journey_session_clear(request.session)
    request.session.pop(ACTING_KEY, None)
    if hasattr(request, "_current_applicant"):
        del request._current_applicant


def _is_journey_page(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return (
        match.namespace == "applicants"
        and not match.url_name.startswith(("navigator", "resident_helpers"))
        and match.url_name not in JOURNEY_URL_NAMES_EXCLUDED
    )


class ActingForClientMiddleware:
    """Sets `request.acting` (or None); must come after the auth and messages middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acting = None
        # No session cookie, no acting navigator: leaving the session untouched spares
        # the cookie-less request a session load and its response a "Vary: Cookie".
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return self.get_response(request)
        relationship_id = request.session.get(ACTING_KEY)
        if relationship_id is None:
            return self.get_response(request)
        acting = acting_for(user=request.user, relationship_id=relationship_id)
        if acting is None:
            return self._refused(request, relationship_id)
        request.acting = acting
        partner_access_record(
            actor=acting.navigator,
            organization=acting.organization,
            applicant=acting.applicant,
            action=PartnerAccessEvent.Action.ACTING_REQUEST,
            path=request.get_full_path(),
            detail={"method": request.method, "relationship": acting.relationship.pk},
        )
        return self.get_response(request)

    def _refused(self, request, relationship_id):
        acting_session_stop(request)
        user = request.user if request.user.is_authenticated else None
        membership = navigator_membership(user=user)
        partner_access_record(
            actor=user,
            organization=membership.organization if membership else None,
            action=PartnerAccessEvent.Action.ACTING_REFUSED,
            path=request.get_full_path(),
            detail={"method": request.method, "relationship": relationship_id},
        )
        if user is None:
            return self.get_response(request)
        messages.warning(
            request,
            _("You can no longer act for this client: the access was removed."),
        )
        if _is_journey_page(request):
            if membership is not None:
                return redirect("applicants:navigator_dashboard")
            return redirect("home")
        return self.get_response(request)
