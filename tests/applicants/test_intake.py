import pytest
from django.utils import timezone

from applicants.intake import intake_steps
from applicants.models import Applicant
from applicants.selectors import applicant_answers
from programs.models import ProgramVersion
from tests.applicants.conftest import INTAKE_POSTS, step_data
from tests.factories import (
    ProgramVersionFactory,
    QuestionFactory,
    ScreenFactory,
    ScreenQuestionFactory,
)

pytestmark = pytest.mark.django_db


def test_intake_is_the_questions_most_programs_share_in_program_order(demo_programs):
    steps = intake_steps()
    assert [step.key for step in steps] == [
        "about-you",
        "contact",
        "household",
        "household-members",
        "income",
    ]
    assert steps[0].question_keys() == ["applicant.name", "applicant.birth_date"]
    assert steps[1].question_keys() == [
        "contact.email",
        "contact.phone",
        "contact.preference",
        "home.address",
    ]
    assert steps[4].question_keys() == ["income.monthly_gross", "benefits.current"]
    # Asked by one program only: left to that program's own screens.
    all_keys = {key for step in steps for key in step.question_keys()}
    assert "food.expedited_need" not in all_keys and "housing.tenure" not in all_keys
    required = {q.key: q.required for step in steps for q in step.questions}
    # Email is optional: many residents have only a phone, or neither.
    assert required["contact.email"] is False and required["contact.phone"] is False
    assert required["contact.preference"] is False


def test_start_page_explains_the_steps_and_the_time(client, demo_programs):
    html = client.get("/apply/").content.decode()
    assert "About you" in html and "minutes" in html
    assert 'href="/apply/intake/"' in html


def test_each_step_is_saved_to_the_profile_as_it_is_completed(client, demo_programs):
    response = client.get("/apply/intake/")
    assert response.headers["Location"] == "/apply/intake/about-you/"
    html = client.get("/apply/intake/about-you/").content.decode()
    assert "Step 1 of 6" in html
    response = client.post("/apply/intake/about-you/", step_data("about-you"))
    assert response.headers["Location"] == "/apply/intake/contact/"
    applicant = Applicant.objects.get()
    assert client.session["applicants.applicant_id"] == applicant.pk
    assert applicant_answers(applicant=applicant) == {
        "applicant.name": {"first": "Ana", "middle": "", "last": "Díaz"}
        if "middle" in applicant_answers(applicant=applicant)["applicant.name"]
        else {"first": "Ana", "last": "Díaz"},
        "applicant.birth_date": "1990-04-12",
    }
    assert "Step 2 of 6" in client.get("/apply/intake/contact/").content.decode()


@pytest.mark.parametrize(
    ("step", "bad", "field", "kept"),
    [
        ("about-you", {"applicant__birth_date_0": "13"}, "applicant__birth_date", ("Díaz",)),
        ("contact", {"contact__email": "not-an-email"}, "contact__email", ("100 Pine St",)),
        ("contact", {"home__address_4": "9810"}, "home__address", ("ana@example.org",)),
        ("household", {"household__size": "-2"}, "household__size", ()),
        ("income", {"income__monthly_gross": "lots"}, "income__monthly_gross", ()),
    ],
)
def test_bad_input_shows_the_field_error_and_keeps_the_other_values(
    client, demo_programs, step, bad, field, kept
):
    data = step_data(step, {**INTAKE_POSTS[step], **bad})
    response = client.post(f"/apply/intake/{step}/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html  # the error summary at the top
    assert f'href="#id_{step}-{field}' in html  # linked to the field
    assert 'class="error-message"' in html
    for value in kept:
        assert f'value="{value}"' in html
    assert not Applicant.objects.filter(answers__question_key=field.replace("__", ".")).exists()


def test_resume_at_the_first_unanswered_step_with_answers_prefilled(client, demo_programs):
    client.post("/apply/intake/about-you/", step_data("about-you"))
    client.post("/apply/intake/contact/", step_data("contact"))
    # Later, a fresh wizard session (same guest): continue where they left off.
    session = client.session
    for key, _value in list(session.items()):
        if key.startswith("wizard_"):
            del session[key]
    session.save()
    response = client.get("/apply/intake/")
    assert response.headers["Location"] == "/apply/intake/household/"
    html = client.get("/apply/intake/contact/").content.decode()
    assert 'value="ana@example.org"' in html and 'value="98101"' in html


def test_household_members_add_change_remove(client, demo_programs):
    client.post("/apply/intake/about-you/", step_data("about-you"))
    add = "/apply/people/household.members/add/?next=/apply/intake/household-members/"
    html = client.get("/apply/intake/household-members/").content.decode()
    assert "Add a person" in html and "/apply/people/household.members/add/" in html
    response = client.post(
        add,
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
    assert response.headers["Location"] == "/apply/intake/household-members/"
    applicant = Applicant.objects.get()
    members = applicant_answers(applicant=applicant)["household.members"]
    assert members[0]["name"] == "Luis" and members[0]["birth_date"] == "2018-06-01"

    # A bad date is refused with its error, keeping the name typed.
    response = client.post(
        "/apply/people/household.members/0/",
        {"name": "Luis M", "birth_date_0": "99", "relationship": "child"},
    )
    assert response.status_code == 400
    assert 'value="Luis M"' in response.content.decode()

    client.post(
        "/apply/people/household.members/0/?next=/apply/intake/household-members/",
        {
            "name": "Luis M",
            "birth_date_0": "6",
            "birth_date_1": "1",
            "birth_date_2": "2018",
            "relationship": "child",
        },
    )
    assert applicant_answers(applicant=applicant)["household.members"][0]["name"] == "Luis M"
    html = client.get("/apply/intake/household-members/").content.decode()
    assert "Luis M" in html
    # Removing needs a POST; a GET only asks to confirm.
    assert client.get("/apply/people/household.members/0/remove/").status_code == 200
    assert len(applicant_answers(applicant=applicant)["household.members"]) == 1
    client.post("/apply/people/household.members/0/remove/")
    assert applicant_answers(applicant=applicant)["household.members"] == []
    assert client.get("/apply/people/household.members/5/").status_code == 404


def test_review_step_lists_answers_with_change_links(client, demo_programs):
    for step in INTAKE_POSTS:
        client.post(f"/apply/intake/{step}/", step_data(step))
    html = client.get("/apply/intake/review/").content.decode()
    assert "Step 6 of 6" in html
    assert "ana@example.org" in html and "$1,500" in html
    assert 'href="/apply/intake/contact/?return=review"' in html
    response = client.post(
        "/apply/intake/contact/?return=review",
        step_data("contact", {**INTAKE_POSTS["contact"], "contact__email": "new@example.org"}),
    )
    assert response.headers["Location"] == "/apply/intake/review/"


def test_review_sends_back_to_a_missing_required_answer(client, demo_programs):
    client.post("/apply/intake/about-you/", step_data("about-you"))
    response = client.post("/apply/intake/review/", {"intake_wizard-current_step": "review"})
    assert response.headers["Location"] == "/apply/intake/contact/"


def programs_sharing_questions(count):
    """`count` published programs asking the same three questions on two screens."""
    questions = [
        QuestionFactory(key="t.name", type="short_text"),
        QuestionFactory(key="t.size", type="number"),
        QuestionFactory(key="t.income", type="currency"),
    ]
    for _n in range(count):
        version = ProgramVersionFactory()
        about = ScreenFactory(version=version, key="about", order=0)
        money = ScreenFactory(version=version, key="money", order=1)
        ScreenQuestionFactory(screen=about, question=questions[0])
        ScreenQuestionFactory(screen=about, question=questions[1])
        ScreenQuestionFactory(screen=money, question=questions[2])
    # Published versions are frozen: build them as drafts, then publish all at once.
    ProgramVersion.objects.update(
        status=ProgramVersion.Status.PUBLISHED, published_at=timezone.now()
    )


@pytest.mark.parametrize("programs", [3, 30])
def test_wizard_step_queries_do_not_grow_with_programs(
    client, programs, django_assert_max_num_queries
):
    programs_sharing_questions(programs)
    client.post(
        "/apply/intake/about/",
        {"about-t__name": "Ana", "about-t__size": "2", "intake_wizard-current_step": "about"},
    )
    client.get("/apply/intake/money/")  # warm the intake cache as a running server would
    with django_assert_max_num_queries(12):
        assert client.get("/apply/intake/money/").status_code == 200
    with django_assert_max_num_queries(14):
        response = client.post(
            "/apply/intake/money/",
            {"money-t__income": "900", "intake_wizard-current_step": "money"},
        )
        assert response.status_code == 302
