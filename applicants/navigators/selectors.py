"""Reads of the community navigators' area. Scoping lives here: every read of a client
goes through the navigator's membership, so a navigator of one organization never reaches
another organization's clients (404), and a revoked relationship reaches nothing."""

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.http import Http404

from applicants.models import Answer, Applicant, Application, Submission
from applicants.navigators.models import (
    ClientRelationship,
    NavigatorMembership,
    PartnerOrganization,
)
from applicants.navigators.services import (
    CLIENT_BIRTH_DATE_KEY,
    CLIENT_EMAIL_KEY,
    CLIENT_KEYS,
    CLIENT_NAME_KEY,
    CLIENT_PHONE_KEY,
)
from eligibility.models import ScreeningRecord


@dataclass(frozen=True)
class Acting:
    """A navigator acting for one client, as checked on this request."""

    membership: NavigatorMembership
    relationship: ClientRelationship

    @property
    def navigator(self):
        return self.membership.user

    @property
    def organization(self) -> PartnerOrganization:
        return self.membership.organization

    @property
    def applicant(self) -> Applicant:
        return self.relationship.applicant

    @cached_property
    def client_name(self) -> str:
        """For the banner on every page; one query, only on pages that show it."""
        return client_name(self.relationship)


def navigator_membership(*, user) -> NavigatorMembership | None:
    """The user's membership of an active partner organization, or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return (
        NavigatorMembership.objects.select_related("organization", "user")
        .filter(user=user, organization__is_active=True)
        .first()
    )


def _current_relationship(membership, relationship_id):
    """The organization's live relationship with this id (empty if revoked or foreign)."""
    return ClientRelationship.objects.select_related("applicant").filter(
        pk=relationship_id, organization_id=membership.organization_id, revoked_at__isnull=True
    )


def acting_for(*, user, relationship_id) -> Acting | None:
    """The acting context if `user` may still act for the client of `relationship_id`:
    a member of the relationship's active organization, and the relationship not revoked.
    One query; called on every request of an acting session."""
    membership = navigator_membership(user=user)
    if membership is None:
        return None
    try:
        relationship_id = int(relationship_id)
    except (TypeError, ValueError):
        return None
    relationship = _current_relationship(membership, relationship_id).first()
    if relationship is None:
        return None
    return Acting(membership=membership, relationship=relationship)


def organization_clients(*, organization: PartnerOrganization, search: str = "") -> QuerySet:
    """The organization's current clients, most recently active first, each annotated with
    `last_activity` and its latest screening (`screening_outcomes`, `screening_eligible`,
    `screened_at`). `search` matches name, email, phone or an application reference."""

    latest_answer = (
        Answer.objects.filter(applicant=OuterRef("applicant"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    latest_submission = (
        Submission.objects.filter(applicant=OuterRef("applicant"))
        .order_by("-submitted_at")
        .values("submitted_at")[:1]
    )
    latest_screening = ScreeningRecord.objects.filter(applicant=OuterRef("applicant")).order_by(
        "-created_at", "-pk"
    )
    queryset = (
        ClientRelationship.objects.filter(organization=organization, revoked_at__isnull=True)
        .select_related("applicant", "applicant__user")
        .annotate(
            last_answer_at=Subquery(latest_answer),
            last_submission_at=Subquery(latest_submission),
            screened_at=Subquery(latest_screening.values("created_at")[:1]),
            screening_outcomes=Subquery(latest_screening.values("outcomes")[:1]),
            screening_eligible=Subquery(latest_screening.values("likely_eligible_count")[:1]),
        )
        .annotate(
            last_activity=Greatest(
                Coalesce("last_answer_at", "created_at"),
                Coalesce("last_submission_at", "created_at"),
                "created_at",
            )
        )
    )
    search = (search or "").strip()
    if search:
        matching_answer = (
            Answer.objects.filter(applicant=OuterRef("applicant"), question_key__in=CLIENT_KEYS)
            .annotate(text=Cast("value", TextField()))
            .filter(text__icontains=search)
        )
        matching_application = Application.objects.filter(
            submission__applicant=OuterRef("applicant"), reference__icontains=search
        )
        queryset = queryset.filter(
            Q(applicant__email__icontains=search)
            | Exists(matching_answer)
            | Exists(matching_application)
        )
    return queryset.order_by("-last_activity", "-pk")


def client_for_membership(
    *, membership: NavigatorMembership, relationship_id
) -> ClientRelationship:
    """One current client of the navigator's organization; 404 for anything else
    (another organization's client, a revoked relationship, an unknown id)."""
    relationship = (
        _current_relationship(membership, relationship_id)
        .select_related("applicant__user", "created_by")
        .first()
    )
    if relationship is None:
        raise Http404
    return relationship


def client_details(applicant_ids) -> dict[int, dict]:
    """{applicant id: {"name", "birth_date", "email", "phone"}} from the profiles, in one
    query whatever the number of clients."""
    details: dict[int, dict] = defaultdict(dict)
    rows = Answer.objects.filter(
        applicant_id__in=list(applicant_ids), question_key__in=CLIENT_KEYS
    ).values_list("applicant_id", "question_key", "value")
    for applicant_id, key, value in rows:
        details[applicant_id][key] = value
    return {
        applicant_id: {
            "name": display_name(values.get(CLIENT_NAME_KEY)),
            "birth_date": values.get(CLIENT_BIRTH_DATE_KEY) or "",
            "email": values.get(CLIENT_EMAIL_KEY) or "",
            "phone": values.get(CLIENT_PHONE_KEY) or "",
        }
        for applicant_id, values in details.items()
    }


def display_name(value) -> str:
    if isinstance(value, dict):
        parts = [str(value.get(part) or "").strip() for part in ("first", "middle", "last")]
        return " ".join(part for part in parts if part)
    return str(value or "").strip()


def client_name(relationship: ClientRelationship) -> str:
    """What to call a client: their name answer, else their email, else their number."""
    details = client_details([relationship.applicant_id]).get(relationship.applicant_id, {})
    return (
        details.get("name")
        or relationship.applicant.email
        or (relationship.applicant.user.get_username() if relationship.applicant.user else "")
        or f"#{relationship.pk}"
    )


def applications_by_applicant(applicant_ids) -> dict[int, list[Application]]:
    """Every application of these applicants, newest first, in one query."""
    grouped: dict[int, list[Application]] = defaultdict(list)
    applications = (
        Application.objects.filter(submission__applicant_id__in=list(applicant_ids))
        .select_related(
            "program",
            "submission",
            "submission__partner_organization",
            "submission__entered_by_navigator",
        )
        .order_by("-submitted_at", "reference")
    )
    for application in applications:
        grouped[application.submission.applicant_id].append(application)
    return grouped


def relationships_for_resident(*, applicant: Applicant | None) -> QuerySet:
    """The organizations acting for this resident now."""
    if applicant is None:
        return ClientRelationship.objects.none()
    return (
        ClientRelationship.objects.filter(applicant=applicant, revoked_at__isnull=True)
        .select_related("organization")
        .order_by("organization__name")
    )


PENDING_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.IN_REVIEW,
    Application.Status.MORE_INFO_NEEDED,
    Application.Status.RESUBMITTED,
)


def organization_figures(*, organization: PartnerOrganization) -> dict:
    """The supervisor's figures, in three aggregate queries whatever the volume:
    clients (current, ever, with a submission), and per program the applications the
    organization submitted with their outcomes."""
    clients = ClientRelationship.objects.filter(organization=organization).aggregate(
        current=Count("pk", filter=Q(revoked_at__isnull=True)),
        ever=Count("applicant", distinct=True),
    )
    served = (
        Submission.objects.filter(partner_organization=organization)
        .values("applicant")
        .distinct()
        .count()
    )
    per_program = list(
        Application.objects.filter(submission__partner_organization=organization)
        .values("program__slug", "program__name")
        .annotate(
            total=Count("pk"),
            approved=Count("pk", filter=Q(status=Application.Status.APPROVED)),
            denied=Count("pk", filter=Q(status=Application.Status.DENIED)),
            withdrawn=Count("pk", filter=Q(status=Application.Status.WITHDRAWN)),
            pending=Count("pk", filter=Q(status__in=PENDING_STATUSES)),
        )
        .order_by("program__name", "program__slug")
    )
    totals = {
        key: sum(row[key] for row in per_program)
        for key in ("total", "approved", "denied", "withdrawn", "pending")
    }
    return {
        "clients_current": clients["current"],
        "clients_ever": clients["ever"],
        "clients_served": served,
        "per_program": per_program,
        "totals": totals,
    }
