"""The export column picker: a program's questions listed with text and program, chosen
by checkboxes, ordered by position numbers, saved as a preset the CSV export follows; and
scoped: nobody sees or builds another agency's presets or columns."""

import csv
import io

from django.urls import reverse

from agencies.exports.models import ExportPreset
from agencies.review.models import AgencyMembership
from agencies.review.roles import SUPERVISOR
from programs.models import ProgramVersion
from tests.agencies import review_support
from tests.agencies.review_support import staff
from tests.factories import (
    ProgramFactory,
    ProgramVersionFactory,
    QuestionFactory,
    ScreenFactory,
    ScreenQuestionFactory,
)

world = review_support.world

ADD_URL = reverse("admin:agencies_exportpreset_add")
LIST_URL = reverse("admin:agencies_exportpreset_changelist")
CSV_URL = "/admin/agencies/batchexport/csv/"


def picked(*rows, name="Income first", drop=False) -> dict:
    """POST data: (key, position or "") for each ticked column."""
    data = {"name": name}
    if drop:
        data["drop_empty_columns"] = "on"
    for key, position in rows:
        data[f"include:{key}"] = "on"
        data[f"position:{key}"] = position
    return data


def supervisor_b(world):
    return staff(
        "super-b", group=SUPERVISOR, agency=world.agency_b, role=AgencyMembership.Role.SUPERVISOR
    )


def header(response) -> list[str]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return next(csv.reader(io.StringIO(text, newline="")))


def test_columns_are_listed_with_question_text_and_program(world, client):
    client.force_login(world.supervisor_a)
    response = client.get(ADD_URL, {"program": world.program_a.pk})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Your name", "Monthly income", "SSN", "Proof of income", "Rent Help"):
        assert text in html
    assert 'type="checkbox" name="include:income.monthly_gross"' in html
    assert 'name="position:income.monthly_gross"' in html


def test_a_preset_built_by_checkboxes_drives_the_csv_columns_in_order(world, client):
    client.force_login(world.supervisor_a)
    url = f"{ADD_URL}?program={world.program_a.pk}"
    response = client.post(
        url,
        picked(("applicant.name", "2"), ("income.monthly_gross", "1"), ("applicant.ssn", "")),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    preset = ExportPreset.objects.get(name="Income first")
    # Numbered first in their order, the unnumbered one after them.
    assert preset.question_keys == ["income.monthly_gross", "applicant.name", "applicant.ssn"]
    assert (preset.agency, preset.program) == (world.agency_a, world.program_a)

    export = client.post(CSV_URL, {"program": world.program_a.pk, "preset": preset.pk})
    assert header(export)[5:] == [
        "income.monthly_gross", "applicant.name.first", "applicant.name.middle",
        "applicant.name.last", "applicant.ssn",
    ]  # fmt: skip

    # Editing shows the saved choice ticked, in its order, and saves a new order.
    change = reverse("admin:agencies_exportpreset_change", args=[preset.pk])
    form = client.get(change).context["form"]
    assert [c.key for c in form.choices][:3] == preset.question_keys
    assert form["include:applicant.ssn"].initial is True
    assert form["include:documents.proof_of_income"].initial is False
    client.post(change, picked(("applicant.ssn", "1"), ("applicant.name", "2")))
    preset.refresh_from_db()
    assert preset.question_keys == ["applicant.ssn", "applicant.name"]


def test_bad_choices_get_field_errors_and_nothing_is_saved(world, client):
    client.force_login(world.supervisor_a)
    url = f"{ADD_URL}?program={world.program_a.pk}"
    response = client.post(url, {"name": "Nothing"})
    assert response.status_code == 400
    assert "Choose at least one column." in response.content.decode()
    response = client.post(url, picked(("applicant.name", "0")))
    assert response.status_code == 400
    assert "position:applicant.name" in response.context["form"].errors
    ExportPreset.objects.create(agency=world.agency_a, name="Taken")
    response = client.post(url, picked(("applicant.name", "1"), name="Taken"))
    assert response.status_code == 400 and "name" in response.context["form"].errors
    assert list(ExportPreset.objects.values_list("name", flat=True)) == ["Taken"]


def test_nobody_sees_or_builds_another_agencys_presets_or_columns(world, client):
    own = ExportPreset.objects.create(
        agency=world.agency_a, program=world.program_a, name="A's", question_keys=["ssn"]
    )
    client.force_login(supervisor_b(world))

    listing = client.get(LIST_URL)
    assert listing.status_code == 200 and "A&#x27;s" not in listing.content.decode()
    change = reverse("admin:agencies_exportpreset_change", args=[own.pk])
    assert client.get(change).status_code == 404
    assert client.post(change, picked(("applicant.name", "1"))).status_code == 404
    # Program A's columns are not offered: the program is not a choice.
    response = client.get(ADD_URL, {"program": world.program_a.pk})
    assert response.status_code == 400 and "form" not in response.context
    assert "Monthly income" not in response.content.decode()
    assert (
        client.post(f"{ADD_URL}?program={world.program_a.pk}", picked(("ssn", "1"))).status_code
        == 400
    )
    assert ExportPreset.objects.count() == 1
    # Nor is A's preset a choice on the CSV page.
    csv_page = client.get(CSV_URL)
    assert own.pk not in [p.pk for p in csv_page.context["form"].fields["preset"].queryset]


def test_only_those_who_may_export_keep_presets(world, client):
    client.force_login(world.caseworker_a)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(ADD_URL).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert LIST_URL not in index


def second_program(world):
    """Another program of agency A asking the name and one question of its own."""
    program = ProgramFactory(slug="rent-plus", name="Rent Plus", agency=world.agency_a)
    version = ProgramVersionFactory(program=program, status=ProgramVersion.Status.DRAFT)
    screen = ScreenFactory(version=version, key="rent", title="Rent", order=1)
    for order, (key, qtype, label) in enumerate(
        [("applicant.name", "name", "Your name"), ("rent.amount", "currency", "Monthly rent")]
    ):
        ScreenQuestionFactory(
            screen=screen, question=QuestionFactory(key=key, type=qtype, label=label), order=order
        )
    ProgramVersion.objects.filter(pk=version.pk).update(status=ProgramVersion.Status.PUBLISHED)
    return program


def test_a_preset_for_all_of_an_agencys_programs_lists_each_question_with_its_programs(
    world, client
):
    second_program(world)
    client.force_login(world.supervisor_a)
    scope = f"all-{world.agency_a.pk}"
    form = client.get(ADD_URL, {"program": scope}).context["form"]
    programs = {choice.key: choice.program for choice in form.choices}
    assert programs["applicant.name"] == "Rent Help, Rent Plus"
    assert programs["rent.amount"] == "Rent Plus"
    assert programs["income.monthly_gross"] == "Rent Help"
    assert "food-help" not in str(programs)  # agency B's program is not listed

    response = client.post(
        f"{ADD_URL}?program={scope}",
        picked(("rent.amount", "1"), ("income.monthly_gross", "2"), name="Money"),
    )
    assert response.status_code == 302
    preset = ExportPreset.objects.get(name="Money")
    assert (preset.agency, preset.program) == (world.agency_a, None)

    # Used with one program, the preset keeps the columns that program asks, in order.
    export = client.post(CSV_URL, {"program": world.program_a.pk, "preset": preset.pk})
    assert header(export)[5:] == ["income.monthly_gross"]


def test_an_agency_preset_with_no_column_of_the_program_is_refused_not_widened(world, client):
    second_program(world)
    preset = ExportPreset.objects.create(
        agency=world.agency_a, name="Rent only", question_keys=["rent.amount"]
    )
    client.force_login(world.supervisor_a)
    response = client.post(CSV_URL, {"program": world.program_a.pk, "preset": preset.pk})
    assert response.status_code == 400
    assert "preset" in response.context["form"].errors


def test_another_agencys_scope_is_not_a_choice(world, client):
    client.force_login(world.supervisor_a)
    response = client.get(ADD_URL, {"program": f"all-{world.agency_b.pk}"})
    assert response.status_code == 400 and "form" not in response.context


def test_the_picker_costs_the_same_whatever_the_number_of_programs(
    world, client, django_assert_max_num_queries
):
    client.force_login(world.supervisor_a)
    scope = {"program": f"all-{world.agency_a.pk}"}
    client.get(ADD_URL, scope)  # warm per-process caches
    with django_assert_max_num_queries(30) as one:
        client.get(ADD_URL, scope)
    second_program(world)
    for n in range(3):
        program = ProgramFactory(slug=f"more-{n}", name=f"More {n}", agency=world.agency_a)
        review_support.published_version(program)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(ADD_URL, scope)
    assert "More 2" in response.context["form"].choices[0].program
