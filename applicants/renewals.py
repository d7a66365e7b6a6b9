"""Renewals: an approval that lapses, the reminders before it does, and a renewal that
asks only what may have changed.

A program version may declare a certification period (`certification_months`) and
reminders (`renewal_reminder_days`, days before the end). On approval the application
gets `certified_until`; beat runs `tasks.send_renewal_reminders`, which writes each due
reminder to the notification outbox exactly once per (application, reminder): the
outbox cause `renewal:<application>:<days>` is unique, and the application row is locked
while it is written, so two runs at once cannot both send it.

What "may have changed" means (docs/program-format.md): income and benefits, the
household, and how to reach the resident. Everything else (name, date of birth, the
program's own answers) is carried over from the resident's profile without asking. The
resident says which of the three changed; only those questions are asked (none when
nothing changed), plus any required question the current version added since.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applicants.models import Application, Submission

# When a program declares no reminders, renewing opens this many days before the end.
DEFAULT_WINDOW_DAYS = 60
MAY_HAVE_CHANGED = {
    "income": (_("Income or benefits"), ("income.", "benefits.")),
    "household": (_("The people in your household"), ("household.",)),
    "contact": (_("Your address, phone, email or how to contact you"), ("contact.", "home.")),
}


def certification_end(start: date, months: int) -> date:
    """The last day of a period of `months` starting on `start`: the day before the
    same date `months` later, or that month's last day when it has no such date."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        return date(year, month, last_day)
    return date(year, month, start.day) - timedelta(days=1)


def certify_on_approval(application: Application) -> None:
    """Give a just-approved application its end date, when its program's approvals
    lapse. A renewal approved early starts the day after the period it renews ends, so
    renewing on time loses no days. The caller holds the row lock and transaction."""
    months = application.program_version.certification_months
    if not months:
        return
    start = timezone.localdate()
    previous = application.renews.certified_until if application.renews_id else None
    if previous is not None and previous >= start:
        start = previous + timedelta(days=1)
    application.certified_until = certification_end(start, months)
    application.save(update_fields=["certified_until"])


def _window_days(version) -> int:
    return max(version.renewal_reminder_days or [DEFAULT_WINDOW_DAYS])


def pending_renewal(application: Application) -> Application | None:
    """The renewal already sent for `application` and not denied or withdrawn."""
    return (
        application.renewals.exclude(status__in=Application.REAPPLY_ALLOWED_AFTER)
        .order_by("-submitted_at")
        .first()
    )


def renewal_status(application: Application, *, today: date | None = None) -> dict | None:
    """What the resident's page says about renewing `application`: None when its
    approval does not lapse; else the end date, whether it may be renewed now and the
    renewal already sent. Renewing opens with the earliest reminder and stays open until
    the end date."""
    if application.status != Application.Status.APPROVED or application.certified_until is None:
        return None
    today = today or timezone.localdate()
    until = application.certified_until
    opens = until - timedelta(days=_window_days(application.program_version))
    renewal = pending_renewal(application)
    return {
        "until": until,
        "opens": opens,
        "lapsed": today > until,
        "renewal": renewal,
        "can_renew": renewal is None and opens <= today <= until,
    }


def renewal_questions(version, answers: dict, areas) -> list:
    """(Question, required) pairs the renewal asks: the current version's questions in
    the chosen `areas` of MAY_HAVE_CHANGED, and any required one with no answer yet."""
    from applicants.steps import version_missing_required, version_questions
    from programs.models import QuestionType

    prefixes = tuple(p for area in areas for p in MAY_HAVE_CHANGED[area][1])
    required = {
        sq.question_id
        for screen in version.screens.all()
        for sq in screen.screen_questions.all()
        if sq.required
    }
    missing = version_missing_required(version, answers)
    return [
        (question, question.pk in required)
        for question in version_questions(version, answers)
        if question.type != QuestionType.HOUSEHOLD_MEMBERS
        and (question.key.startswith(prefixes) or question in missing)
    ]


def renewal_household_questions(version, answers: dict, areas) -> list:
    """The household members questions of the chosen `areas`: a list of people is changed
    person by person on its own pages (the intake's), not in the renewal's form."""
    from applicants.steps import version_questions
    from programs.models import QuestionType

    prefixes = tuple(p for area in areas for p in MAY_HAVE_CHANGED[area][1])
    return [
        question
        for question in version_questions(version, answers)
        if question.type == QuestionType.HOUSEHOLD_MEMBERS and question.key.startswith(prefixes)
    ]


class RenewalNotOpen(ValueError):
    """The application cannot be renewed now (not approved, not lapsing, or renewed)."""


def renewal_submit(*, application: Application, submit_token: str, language: str) -> Submission:
    """Submit the renewal of `application` from the resident's profile as it is now, to
    the program's version in effect, linked to the application it renews. The same
    `submit_token` again (a resent form) returns the renewal it made."""
    from applicants.submission import submission_create

    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        status = renewal_status(locked)
        existing = Submission.objects.filter(
            submit_token=submit_token, applicant_id=application.submission.applicant_id
        ).first()
        if existing is not None:
            return existing
        if status is None or not status["can_renew"]:
            raise RenewalNotOpen(_("This application cannot be renewed now."))
        return submission_create(
            applicant=application.submission.applicant,
            programs=[application.program],
            submit_token=submit_token,
            language=language,
            renews=locked,
        )


# Reminders ---------------------------------------------------------------------------


def _render_reminder(channel, *, application, until, language) -> tuple[str, str]:
    from django.template.loader import render_to_string

    from applicants.guest_access import resident_link

    with translation.override(language):
        context = {
            "program": application.program.text("name", language),
            "reference": application.reference,
            "until": until,
            "application_url": resident_link(
                applicant=application.submission.applicant, reference=application.reference
            ),
        }
        subject = " ".join(
            render_to_string("applicants/email/renewal_subject.txt", context).split()
        )
        if channel == "sms":
            return subject, f"{subject} {context['application_url']}"
        return subject, render_to_string("applicants/email/renewal.txt", context)


def _due_reminder(application: Application, today: date) -> int | None:
    """The reminder due today for `application`: the nearest to the end among those whose
    day has come (an earlier one missed while the portal was down is not sent late)."""
    days_left = (application.certified_until - today).days
    due = [d for d in application.program_version.renewal_reminder_days or [] if d >= days_left]
    return min(due) if due and days_left >= 0 else None


def renewal_reminders_send(*, today: date | None = None) -> int:
    """Write the renewal reminders due `today` to the outbox; returns how many
    (application, reminder) pairs were written for the first time."""
    from applicants.contact import notification_destinations
    from notifications.models import Notification
    from notifications.services import notify_resident

    today = today or timezone.localdate()
    horizon = today + timedelta(days=365)
    candidates = (
        Application.objects.filter(
            status=Application.Status.APPROVED,
            certified_until__gte=today,
            certified_until__lte=horizon,
            program_version__certification_months__isnull=False,
        )
        .exclude(renewals__in=Application.objects.exclude(
            status__in=Application.REAPPLY_ALLOWED_AFTER
        ))
        .select_related("program_version")
        .only("pk", "certified_until", "program_version__renewal_reminder_days")
    )  # fmt: skip
    written = 0
    for candidate in candidates.iterator():
        days = _due_reminder(candidate, today)
        if days is None:
            continue
        cause = f"renewal:{candidate.pk}:{days}"
        with transaction.atomic():
            application = (
                Application.objects.select_for_update(of=("self",))
                .select_related("program", "submission__applicant", "program_version")
                .get(pk=candidate.pk)
            )
            if Notification.objects.filter(cause_key__startswith=f"{cause}:").exists():
                continue
            language = (application.submission.language or "en").split("-")[0]
            applicant = application.submission.applicant
            rows = notify_resident(
                applicant=applicant,
                destinations=notification_destinations(applicant),
                kind=Notification.Kind.RENEWAL,
                cause=cause,
                language=language,
                render=partial(
                    _render_reminder,
                    application=application,
                    until=application.certified_until,
                    language=language,
                ),
                submission=application.submission,
                application=application,
            )
            written += bool(rows)
    return written
