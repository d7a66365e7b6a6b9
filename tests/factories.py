"""Factories shared by every test package (factory-boy)."""

import factory
from django.contrib.auth import get_user_model

from applicants.models import Answer, Applicant, Application, Submission, new_reference
from organizations.models import Agency
from programs.models import Program, ProgramVersion, Question, Screen, ScreenQuestion


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct-horse-battery-staple")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    contact_email = factory.LazyAttribute(lambda agency: f"intake@{agency.slug}.example.gov")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        django_get_or_create = ["key"]

    key = factory.Sequence(lambda n: f"test.question_{n}")
    type = "short_text"
    label = factory.LazyAttribute(lambda question: question.key.replace(".", " ").capitalize())


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"program-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")
    agency = factory.SubFactory(AgencyFactory)
    summary = "Help with everyday costs."


class ProgramVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramVersion

    program = factory.SubFactory(ProgramFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = ProgramVersion.Status.DRAFT


class ScreenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Screen

    version = factory.SubFactory(ProgramVersionFactory)
    key = factory.Sequence(lambda n: f"screen-{n}")
    title = factory.Sequence(lambda n: f"Screen {n}")
    order = factory.Sequence(lambda n: n)


class ScreenQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScreenQuestion

    screen = factory.SubFactory(ScreenFactory)
    question = factory.SubFactory(QuestionFactory)
    order = factory.Sequence(lambda n: n)
    # The tests were written when screen questions were required by default.
    required = True


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    email = factory.Sequence(lambda n: f"resident{n}@example.org")


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    applicant = factory.SubFactory(ApplicantFactory)
    question_key = factory.Sequence(lambda n: f"test.question_{n}")
    value = "an answer"


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    applicant = factory.SubFactory(ApplicantFactory)
    submit_token = factory.Sequence(lambda n: f"token-{n}")


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    submission = factory.SubFactory(SubmissionFactory)
    program_version = factory.SubFactory(
        ProgramVersionFactory, status=ProgramVersion.Status.PUBLISHED
    )
    program = factory.SelfAttribute("program_version.program")
    reference = factory.LazyFunction(lambda: new_reference("APP"))
    answers = factory.LazyFunction(lambda: {"applicant.name": {"first": "Ana", "last": "Díaz"}})
