"""Who the current resident is: a signed-in account's applicant, or a guest by session.

A guest's `Applicant` row is created on their first save, and its id is kept in the
session, so a guest's progress lives as long as their session (SESSION_COOKIE_AGE). The
moment they sign up or sign in, that applicant is attached to (or merged into) the
account's, so nothing entered is lost.
"""

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.http import HttpRequest

from applicants.models import Answer, Applicant, Submission
from applicants.services import applicant_for_user_get_or_create

SESSION_KEY = "applicants.applicant_id"


def current_applicant(request: HttpRequest) -> Applicant | None:
    """The applicant of this request, or None for a visitor who has saved nothing yet.

    A community navigator acting for a client gets the client's applicant: the middleware
    (`applicants.navigators.acting`) has checked on this very request that they still may.
    """
    acting = getattr(request, "acting", None)
    if acting is not None:
        return acting.applicant
    cached = getattr(request, "_current_applicant", None)
    if cached is not None:
        return cached
    applicant = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        applicant = Applicant.objects.filter(user=user).first()
    else:
        applicant_id = request.session.get(SESSION_KEY)
        if applicant_id:
            # A guest id only ever names a guest: once the applicant belongs to an
            # account, only that account's session reaches it.
            applicant = Applicant.objects.filter(pk=applicant_id, user__isnull=True).first()
            if applicant is None:
                request.session.pop(SESSION_KEY, None)
    request._current_applicant = applicant
    return applicant


def current_applicant_and_answers(request: HttpRequest) -> tuple[Applicant | None, dict]:
    """The applicant of this request and their profile as {question key: value}."""
    applicant, rows = current_applicant_and_answer_rows(request)
    return applicant, {key: row.value for key, row in rows.items()}


def current_applicant_and_answer_rows(
    request: HttpRequest,
) -> tuple[Applicant | None, dict[str, Answer]]:
    """The applicant of this request and their profile as {question key: Answer}, in one
    query for a resident who has answered anything: the answers, with their applicant
    joined, found by what `current_applicant` would look the applicant up by. (Nearly
    every page of the journey reads both; a round trip is most of a page's cost when the
    machine is busy.) A resident with no answer, or one already looked up, costs what
    `current_applicant` and a read of the answers cost."""
    from applicants.selectors import applicant_answer_rows

    user = getattr(request, "user", None)
    looked_up = getattr(request, "acting", None) or getattr(request, "_current_applicant", None)
    if looked_up is None and user is not None and user.is_authenticated:
        rows = _with_submitted(Answer.objects.filter(applicant__user=user))
    elif looked_up is None and request.session.get(SESSION_KEY):
        rows = _with_submitted(
            Answer.objects.filter(
                applicant_id=request.session[SESSION_KEY], applicant__user__isnull=True
            )
        )
    else:
        rows = []
    if not rows:
        applicant = current_applicant(request)
        return applicant, applicant_answer_rows(applicant=applicant) if looked_up else {}
    applicant = rows[0].applicant
    request._current_applicant = applicant
    request._never_submitted = not rows[0].applicant_submitted
    return applicant, {row.question_key: row for row in rows}


def _with_submitted(answers) -> list[Answer]:
    """The answer rows with their applicant, each saying whether the applicant has ever
    submitted (in the same query: see `never_submitted`)."""
    # Written as SQL: the ORM's Exists(OuterRef) took longer to build than the query to run.
    submitted = RawSQL(  # noqa: S611 - no value goes into the text
        f"EXISTS (SELECT 1 FROM {Submission._meta.db_table} s"  # noqa: S608 - table names only
        f" WHERE s.applicant_id = {Answer._meta.db_table}.applicant_id)",
        (),
        output_field=BooleanField(),
    )
    return list(answers.select_related("applicant").annotate(applicant_submitted=submitted))


def never_submitted(request: HttpRequest) -> bool:
    """Whether reading this request's resident and answers found that they have never
    submitted anything, so they can have no open application to look up. False when not
    known (nothing was read, a navigator acting for them)."""
    return getattr(request, "_never_submitted", False)


def current_applicant_or_create(request: HttpRequest) -> Applicant:
    """The applicant of this request, creating a guest (or the account's) on first save."""
    applicant = current_applicant(request)
    if applicant is not None:
        return applicant
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        applicant = applicant_for_user_get_or_create(user=user)
    else:
        applicant = Applicant.objects.create(preferred_language=_language(request))
        request.session[SESSION_KEY] = applicant.pk
    request._current_applicant = applicant
    return applicant


def guest_applicant_id(request: HttpRequest) -> int | None:
    """The guest applicant id kept in this session (read before signing in)."""
    return request.session.get(SESSION_KEY)


def forget_guest(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    if hasattr(request, "_current_applicant"):
        del request._current_applicant


def _language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", None) or "en").split("-")[0]


def guest_session_start(request: HttpRequest, applicant: Applicant) -> None:
    """Make `applicant` (a guest who proved who they are by a signed link or their
    reference and date of birth) the resident of this browser session. The session key
    changes so an id planted before cannot ride on the proof."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = applicant.pk
    request._current_applicant = applicant
