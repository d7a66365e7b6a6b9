"""Version lifecycle: drafts, publishing, archiving, and immutability everywhere."""

import pytest

from programs.documents.errors import DocumentInvalid
from programs.documents.export import program_document
from programs.models import ProgramVersion, PublishedVersionIsImmutable, Screen, ScreenQuestion
from programs.question_services import question_create, question_update
from programs.services import (
    program_version_archive,
    program_version_create_draft,
    program_version_publish,
    program_version_update,
)
from tests.factories import (
    ApplicationFactory,
    ProgramFactory,
    QuestionFactory,
    ScreenFactory,
    ScreenQuestionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

INCOME_RULE = {"lte": [{"answer": "income.monthly_gross"}, {"dollars": 2000}]}


@pytest.fixture
def draft():
    program = ProgramFactory(slug="rent-help")
    version = program_version_create_draft(program=program)
    screen = ScreenFactory(version=version, key="money", order=0)
    income = QuestionFactory(key="income.monthly_gross", type="currency")
    ScreenQuestionFactory(screen=screen, question=income, order=0)
    ScreenQuestionFactory(
        screen=screen,
        question=QuestionFactory(key="household.size", type="number"),
        order=1,
        required=False,
    )
    version.eligibility_rules = INCOME_RULE
    version.eligibility_gating = True
    version.examples = [
        {"name": "low income", "answers": {"income.monthly_gross": 150000}, "expected": "eligible"},
        {
            "name": "high income",
            "answers": {"income.monthly_gross": 250000},
            "expected": "ineligible",
        },
    ]
    version.save()
    return version


def test_publish_sets_status_time_and_user(draft):
    user = UserFactory()
    version = program_version_publish(version=draft, acting_user=user)
    assert version.status == ProgramVersion.Status.PUBLISHED
    assert version.published_at is not None
    assert version.published_by == user


def test_publishing_a_new_version_archives_the_old_and_keeps_its_applications(draft):
    first = program_version_publish(version=draft)
    application = ApplicationFactory(program_version=first, program=first.program)
    second = program_version_create_draft(program=first.program, from_version=first)
    program_version_publish(version=second)
    first.refresh_from_db()
    application.refresh_from_db()
    assert first.status == ProgramVersion.Status.ARCHIVED
    assert application.program_version_id == first.pk
    assert (
        ProgramVersion.objects.filter(
            program=first.program, status=ProgramVersion.Status.PUBLISHED
        ).get()
        == second
    )


def test_create_draft_copies_everything_and_numbers_it(draft):
    published = program_version_publish(version=draft)
    copy = program_version_create_draft(program=published.program, from_version=published)
    assert copy.number == published.number + 1
    assert copy.status == ProgramVersion.Status.DRAFT
    assert program_document(copy) == program_document(published)
    assert copy.screens.get().screen_questions.count() == 2
    assert not copy.screens.get().screen_questions.get(question__key="household.size").required


def test_publish_refuses_failing_examples_naming_them(draft):
    draft.examples[1]["expected"] = "eligible"
    draft.save()
    with pytest.raises(DocumentInvalid) as caught:
        program_version_publish(version=draft)
    (error,) = caught.value.errors
    assert error.path == "$.programs[0].examples[1]"
    assert "high income: expected eligible, got ineligible" in error.message
    draft.refresh_from_db()
    assert draft.status == ProgramVersion.Status.DRAFT


def test_publish_refuses_an_invalid_rule_with_its_path(draft):
    draft.eligibility_rules = {"all": [INCOME_RULE, {"gte": [{"answer": "nope"}, {"value": 1}]}]}
    draft.save()
    with pytest.raises(DocumentInvalid) as caught:
        program_version_publish(version=draft)
    assert [str(e) for e in caught.value.errors] == [
        "$.programs[0].eligibility.rules.all[1].gte[0].answer: unknown question 'nope'"
    ]


def test_publish_refuses_a_version_without_screens():
    version = program_version_create_draft(program=ProgramFactory())
    with pytest.raises(DocumentInvalid, match="at least one screen"):
        program_version_publish(version=version)


def test_services_refuse_to_change_published_or_archived_versions(draft):
    published = program_version_publish(version=draft)
    with pytest.raises(PublishedVersionIsImmutable):
        program_version_publish(version=published)
    with pytest.raises(PublishedVersionIsImmutable):
        program_version_update(version=published, eligibility_gating=False)
    archived = program_version_archive(version=published)
    assert archived.status == ProgramVersion.Status.ARCHIVED
    with pytest.raises(PublishedVersionIsImmutable):
        program_version_archive(version=archived)
    with pytest.raises(PublishedVersionIsImmutable):
        program_version_update(version=archived, examples=[])


def test_model_guards_refuse_saving_or_deleting_a_published_version(draft):
    published = program_version_publish(version=draft)
    published.eligibility_gating = False
    with pytest.raises(PublishedVersionIsImmutable):
        published.save()
    with pytest.raises(PublishedVersionIsImmutable):
        published.delete()
    # Un-publishing by hand (back to draft) is a change too.
    published.status = ProgramVersion.Status.DRAFT
    with pytest.raises(PublishedVersionIsImmutable):
        published.save(update_fields=["status"])
    published.refresh_from_db()
    assert published.eligibility_gating is True


def test_model_guards_protect_screens_and_their_questions(draft):
    published = program_version_publish(version=draft)
    screen = published.screens.get()
    screen.title = "Changed"
    with pytest.raises(PublishedVersionIsImmutable):
        screen.save()
    with pytest.raises(PublishedVersionIsImmutable):
        screen.delete()
    with pytest.raises(PublishedVersionIsImmutable):
        Screen(version=published, key="extra", title="Extra").save()
    screen_question = screen.screen_questions.first()
    screen_question.required = not screen_question.required
    with pytest.raises(PublishedVersionIsImmutable):
        screen_question.save()
    with pytest.raises(PublishedVersionIsImmutable):
        screen_question.delete()
    with pytest.raises(PublishedVersionIsImmutable):
        ScreenQuestion(screen=screen, question=QuestionFactory(key="extra.q")).save()
    # Moving a screen of a draft into the published version is refused as well.
    other = ScreenFactory(version=program_version_create_draft(program=published.program))
    other.version = published
    with pytest.raises(PublishedVersionIsImmutable):
        other.save()
    assert published.screens.get().title != "Changed"


def test_drafts_stay_editable(draft):
    screen = draft.screens.get()
    screen.title = "Changed"
    screen.save()
    program_version_update(version=draft, eligibility_gating=False)
    draft.refresh_from_db()
    assert draft.eligibility_gating is False
    screen.delete()
    draft.delete()
    assert not ProgramVersion.objects.filter(pk=draft.pk).exists()


def test_question_create_validates_the_definition():
    with pytest.raises(DocumentInvalid, match="needs options"):
        question_create(key="pet.kind", type="single_choice", label="Pet")
    question = question_create(
        key="pet.kind",
        type="single_choice",
        label="Pet",
        options=[{"value": "cat", "label": "Cat"}],
    )
    assert question.pk


def test_question_update_refuses_type_change_under_published_versions(draft):
    program_version_publish(version=draft)
    question = draft.screens.get().screen_questions.get(question__key="household.size").question
    with pytest.raises(DocumentInvalid, match="use a new key"):
        question_update(question=question, type="short_text", validation={})
    question_update(question=question, label="People at home")
    question.refresh_from_db()
    assert (question.type, question.label) == ("number", "People at home")
