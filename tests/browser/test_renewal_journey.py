"""Coming back as a guest and renewing, in a real browser with axe on every resident page,
in English and in Spanish: the guest finds the approved application with its reference
number and date of birth, sees when it ends, says only their income changed, corrects it
and sends the renewal; the application it renews is named on it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applicants.models import Application
from applicants.services import answers_save
from applicants.submission import submission_create
from tests.applicants.test_after_submitting import PROFILE, _decide
from tests.browser.support import path
from tests.browser.test_resident_journeys import spanish
from tests.factories import ApplicantFactory


def _approved_guest_application(lang):
    from programs.models import ProgramVersion

    ProgramVersion.objects.filter(program__slug="basic-food", status="published").update(
        certification_months=12, renewal_reminder_days=[30, 7]
    )
    applicant = ApplicantFactory()
    answers_save(applicant=applicant, values=PROFILE)
    submission = submission_create(
        applicant=applicant,
        programs=[ProgramVersion.objects.get(program__slug="basic-food").program],
        submit_token=f"renewal-journey-{lang}",
        language=lang,
    )
    application = submission.applications.get()
    _decide(application, "approved", resident_message="Approved.")
    Application.objects.filter(pk=application.pk).update(
        certified_until=timezone.localdate() + timedelta(days=20)
    )
    return application


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_guest_comes_back_and_renews_saying_only_what_changed(journeys, lang):
    tr = (lambda text: text) if lang == "en" else spanish
    application = _approved_guest_application(lang)
    guest = journeys("guest")
    page = guest.page
    page.goto("/my/applications/find/")
    if lang == "es":
        page.locator("button[lang=es]").first.click()
        page.wait_for_load_state("load")
    guest.check("find", lang=lang, texts=[tr("Find your application")])
    page.get_by_label(tr("Reference number")).fill(application.reference)
    page.get_by_label(tr("Your date of birth")).fill("1990-04-12")
    page.get_by_role("button", name=tr("Find my application")).click()
    assert path(page) == "/my/applications/", page.url
    guest.check("my applications", lang=lang, texts=[application.reference])

    page.get_by_role("link", name=application.reference).click()
    guest.check("approved, renewal open", lang=lang, texts=[tr("Renewal"), tr("Renew now")])
    page.get_by_role("link", name=tr("Renew now")).click()
    assert path(page) == f"/my/applications/{application.reference}/renew/", page.url
    guest.check("what changed", lang=lang, texts=[tr("What has changed since you applied?")])
    page.get_by_label(tr("Income or benefits")).check()
    page.get_by_role("button", name=tr("Continue")).click()
    assert path(page) == f"/my/applications/{application.reference}/renew/answers/", page.url
    guest.check("changed answers", lang=lang, texts=[tr("What changed")])
    fields = page.eval_on_selector_all(
        "main form [name]:not([type=hidden])", "els => els.map(e => e.name)"
    )
    assert set(fields) == {"income__monthly_gross", "benefits__current"}, fields
    page.locator('input[name="income__monthly_gross"]').fill("1,250")
    page.get_by_role("button", name=tr("Send my renewal")).click()
    assert "/apply/submitted/" in path(page), page.url
    guest.check("renewal sent", lang=lang)

    renewal = Application.objects.get(renews=application)
    assert renewal.answers["income.monthly_gross"] == 125000
    assert renewal.answers["applicant.name"] == application.answers["applicant.name"]
