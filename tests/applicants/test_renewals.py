"""Renewals: an approval of a program with a certification period gets an end date; a
reminder is due on each declared day before it, once; the renewal asks nothing when
nothing changed and only the changed area otherwise, and is linked to what it renews."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from applicants.models import Application
from applicants.renewals import certification_end, renewal_reminders_send
from applicants.submission import ApplicationAlreadyOpen, submission_create
from notifications.models import Notification
from programs.models import ProgramVersion
from tests.applicants.test_after_submitting import _decide, _resident_application
from tests.applicants.test_journey import asked_keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def renewing(demo_programs):
    """Basic Food approvals last 12 months, with reminders 30 and 7 days before the end."""
    version = demo_programs["basic-food"]
    ProgramVersion.objects.filter(pk=version.pk).update(
        certification_months=12, renewal_reminder_days=[30, 7]
    )
    return demo_programs


def _approved(client, renewing, *, ends_in_days=None):
    application = _resident_application(client, renewing)
    _decide(application, "approved", resident_message="Approved.")
    application.refresh_from_db()
    if ends_in_days is not None:
        application.certified_until = timezone.localdate() + timedelta(days=ends_in_days)
        application.save(update_fields=["certified_until"])
    return application


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 3, 15), 12, date(2027, 3, 14)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: its last day
        (date(2026, 1, 28), 1, date(2026, 2, 27)),
        (date(2026, 11, 1), 6, date(2027, 4, 30)),
    ],
)
def test_certification_end(start, months, end):
    assert certification_end(start, months) == end


def test_an_approval_gets_its_end_date_and_renewal_opens_with_the_first_reminder(client, renewing):
    application = _approved(client, renewing)
    today = timezone.localdate()
    assert application.certified_until == certification_end(today, 12)
    page = client.get(f"/my/applications/{application.reference}/").content.decode()
    assert "Your approval ends on" in page and "You can renew from" in page
    assert client.get(f"/my/applications/{application.reference}/renew/").status_code == 409

    application.certified_until = today + timedelta(days=30)
    application.save(update_fields=["certified_until"])
    page = client.get(f"/my/applications/{application.reference}/").content.decode()
    assert f'href="/my/applications/{application.reference}/renew/"' in page


def test_each_reminder_is_written_once_on_its_day(client, renewing):
    application = _approved(client, renewing)
    end = application.certified_until
    sent = []
    for days_before in range(32, -2, -1):
        renewal_reminders_send(today=end - timedelta(days=days_before))
        renewal_reminders_send(today=end - timedelta(days=days_before))  # a second run
        rows = Notification.objects.filter(application=application, kind="renewal")
        sent.append((days_before, sorted(rows.values_list("cause_key", flat=True))))
    causes = {days: tuple(keys) for days, keys in sent}
    assert causes[31] == ()
    assert causes[30] == (f"renewal:{application.pk}:30:email",)
    assert causes[8] == causes[30]
    assert causes[7] == (f"renewal:{application.pk}:30:email", f"renewal:{application.pk}:7:email")
    assert causes[-1] == causes[7]
    reminder = Notification.objects.get(cause_key=f"renewal:{application.pk}:7:email")
    assert "Renew Basic Food before" in reminder.subject
    assert "/back/" in reminder.body  # a guest's signed link straight to the application


def test_a_missed_reminder_is_not_sent_late_and_a_renewal_stops_them(client, renewing):
    application = _approved(client, renewing)
    end = application.certified_until
    assert renewal_reminders_send(today=end - timedelta(days=5)) == 1
    assert list(
        Notification.objects.filter(kind="renewal").values_list("cause_key", flat=True)
    ) == [f"renewal:{application.pk}:7:email"]


def _renew(client, application, changed=()):
    url = f"/my/applications/{application.reference}/renew/"
    page = client.get(url).content.decode()
    token = re.search(r'name="submit_token" value="([^"]+)"', page).group(1)
    return client.post(url, {"changed": list(changed), "submit_token": token})


def test_nothing_changed_renews_at_once_asking_no_question(client, renewing):
    application = _approved(client, renewing, ends_in_days=20)
    page = client.get(f"/my/applications/{application.reference}/renew/").content.decode()
    assert asked_keys(page) == {"changed", "submit_token"}  # no question, only what changed
    response = _renew(client, application)
    assert response.status_code == 302 and "/apply/submitted/" in response.headers["Location"]
    renewal = Application.objects.get(renews=application)
    assert renewal.answers == application.answers
    assert renewal.status == "submitted" and renewal.program == application.program
    # Sent once: the application now shows it, a second renewal is refused.
    assert _renew_again_status(client, application) == 409
    assert renewal_reminders_send(today=application.certified_until - timedelta(days=7)) == 0


def _renew_again_status(client, application):
    return client.get(f"/my/applications/{application.reference}/renew/").status_code


def test_a_changed_income_asks_only_the_income_questions(client, renewing):
    application = _approved(client, renewing, ends_in_days=20)
    response = _renew(client, application, changed=["income"])
    assert response.status_code == 302
    answers_url = response.headers["Location"]
    page = client.get(answers_url).content.decode()
    assert asked_keys(page) == {"income.monthly_gross", "benefits.current", "submit_token"}
    assert 'value="1,500' in page or 'value="1500' in page  # pre-filled
    response = client.post(
        answers_url,
        {
            "income__monthly_gross": "1,700",
            "submit_token": re.search(r'name="submit_token" value="([^"]+)"', page).group(1),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    renewal = Application.objects.get(renews=application)
    assert renewal.answers["income.monthly_gross"] == 170000
    assert renewal.answers["applicant.name"] == application.answers["applicant.name"]


def test_a_renewal_approved_early_starts_after_the_period_it_renews(client, renewing):
    application = _approved(client, renewing, ends_in_days=20)
    _renew(client, application)
    renewal = Application.objects.get(renews=application)
    _decide(renewal, "approved")
    renewal.refresh_from_db()
    start = application.certified_until + timedelta(days=1)
    assert renewal.certified_until == certification_end(start, 12)


def test_an_ended_approval_no_longer_blocks_a_new_application(client, renewing):
    application = _approved(client, renewing)
    applicant = application.submission.applicant
    program = application.program
    with pytest.raises(ApplicationAlreadyOpen):
        submission_create(applicant=applicant, programs=[program], submit_token="again-1")
    application.certified_until = timezone.localdate() - timedelta(days=1)
    application.save(update_fields=["certified_until"])
    submission_create(applicant=applicant, programs=[program], submit_token="again-2")
    assert Application.objects.filter(program=program).count() == 2


def test_the_renewal_and_its_reminder_in_spanish(client, renewing):
    application = _resident_application(client, renewing, language="es")
    _decide(application, "approved")
    application.refresh_from_db()
    renewal_reminders_send(today=application.certified_until - timedelta(days=7))
    reminder = Notification.objects.get(application=application, kind="renewal")
    assert reminder.subject.startswith("Renueve Basic Food")
    assert "Renueve aquí:" in reminder.body and "termina el" in reminder.body
    application.certified_until = timezone.localdate() + timedelta(days=7)
    application.save(update_fields=["certified_until"])
    client.post("/i18n/setlang/", {"language": "es"})
    detail = client.get(f"/my/applications/{application.reference}/").content.decode()
    assert "Renovar ahora" in detail and "Su aprobación termina el" in detail
    page = client.get(f"/my/applications/{application.reference}/renew/").content.decode()
    assert "Renueve su beneficio" in page and "¿Qué ha cambiado desde que" in page
    assert "Ingresos o beneficios" in page
    answers = client.get(
        f"/my/applications/{application.reference}/renew/answers/?changed=contact"
    ).content.decode()
    assert "Enviar mi renovación" in answers and "Qué cambió" in answers


def test_a_changed_household_lists_the_people_to_change_and_comes_back(client, renewing):
    from urllib.parse import quote

    application = _approved(client, renewing, ends_in_days=20)
    response = _renew(client, application, changed=["household"])
    answers_url = response.headers["Location"]
    page = client.get(answers_url).content.decode()
    assert "household.members" not in asked_keys(page)  # people are changed on their pages
    add_url = "/apply/people/household.members/add/?next=" + quote(answers_url, safe="")
    assert add_url.replace("&", "&amp;") in page
    response = client.post(
        add_url,
        {
            "name": "Luis",
            "birth_date_0": "6",
            "birth_date_1": "1",
            "birth_date_2": "2018",
            "relationship": "child",
            "income_monthly": "",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == answers_url
    page = client.get(answers_url).content.decode()
    assert "Luis" in page
    response = client.post(
        answers_url,
        {
            "household__size": "2",
            "submit_token": re.search(r'name="submit_token" value="([^"]+)"', page).group(1),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    renewal = Application.objects.get(renews=application)
    assert [m["name"] for m in renewal.answers["household.members"]] == ["Luis"]
