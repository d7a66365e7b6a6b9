"""Programs, their versions and the shared question bank.

A question lives once in the bank under a stable dotted key; every program that asks it
reuses the same row, which is what lets one answer pre-fill every application. A program
version is an ordered list of screens plus eligibility rules; once published it is
frozen (see `programs.services`), so applications always point at what they were made
under.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from civiportal.i18n import translated


class PublishedVersionIsImmutable(Exception):
    """Raised on any attempt to change a published or archived program version.

    Applications point at the exact version they were made under, so what a resident saw
    and what an agency receives must never change after publication.
    """


def _frozen_status(version_id) -> str | None:
    """The stored status of a version if it is scheduled, published or archived, else None."""
    if version_id is None:
        return None
    status = ProgramVersion.objects.filter(pk=version_id).values_list("status", flat=True).first()
    return (
        status
        if status
        in (
            ProgramVersion.Status.SCHEDULED,
            ProgramVersion.Status.PUBLISHED,
            ProgramVersion.Status.ARCHIVED,
        )
        else None
    )


class QuestionType(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    CURRENCY = "currency", _("Currency")
    DATE = "date", _("Date")
    YES_NO = "yes_no", _("Yes or no")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    NAME = "name", _("Name")
    ADDRESS = "address", _("Address")
    HOUSEHOLD_MEMBERS = "household_members", _("Household members")
    IDENTIFIER = "identifier", _("Identifier")
    FILE = "file", _("File upload")
    STATIC = "static", _("Static text")


class Question(models.Model):
    key = models.CharField(
        _("key"),
        max_length=100,
        unique=True,
        help_text=_("Stable dotted key shared by every program, e.g. household.size."),
    )
    type = models.CharField(_("type"), max_length=30, choices=QuestionType.choices)
    label = models.CharField(_("label"), max_length=300)
    help_text = models.TextField(_("help text"), blank=True)
    # Choice options: [{"value": "rent", "label": "Rent", "translations": {"es": "Alquiler"}}]
    options = models.JSONField(_("options"), default=list, blank=True)
    # Type-specific validation: min, max, max_length, pattern, pattern_description,
    # allowed_extensions, max_size_bytes, display ("radio" | "dropdown").
    validation = models.JSONField(_("validation"), default=dict, blank=True)
    # Household members: the sub-questions asked per person, in order:
    # [{"key": "birth_date", "type": "date", "label": "...", "translations": {...}}]
    member_fields = models.JSONField(_("member fields"), default=list, blank=True)
    # Other languages: {"es": {"label": "...", "help_text": "..."}}
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Masked in lists and exports unless the viewer may see sensitive answers."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("question")
        permissions = [("view_sensitive_answers", "Can view sensitive answers")]

    def __str__(self):
        return self.key

    def text(self, field: str = "label", language: str | None = None) -> str:
        return translated(self, field, language)


class ProgramCategory(models.TextChoices):
    FOOD = "food", _("Food")
    HOUSING = "housing", _("Housing")
    UTILITIES = "utilities", _("Utilities")
    TRANSPORT = "transport", _("Transportation")
    CHILD_CARE = "child_care", _("Child care")
    HEALTH = "health", _("Health")
    INTERNET = "internet", _("Internet")
    RECREATION = "recreation", _("Recreation")
    ENERGY = "energy", _("Energy")


class Program(models.Model):
    class DisplayMode(models.TextChoices):
        PUBLIC = "public", _("Public")
        NAVIGATORS_ONLY = "navigators_only", _("Navigators only")
        HIDDEN = "hidden", _("Hidden from the catalog, reachable by link")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(
        "organizations.Agency", on_delete=models.PROTECT, related_name="programs"
    )
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("what it provides"), blank=True)
    how_to_apply = models.TextField(_("how to apply"), blank=True)
    time_to_complete_minutes = models.PositiveSmallIntegerField(
        _("minutes to complete"), default=10
    )
    external_url = models.URLField(_("external link"), blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    display_mode = models.CharField(
        _("display mode"), max_length=20, choices=DisplayMode.choices, default=DisplayMode.PUBLIC
    )
    closed_message = models.TextField(_("message when closed"), blank=True)
    source = models.TextField(
        _("source"),
        blank=True,
        help_text=_("Where the published rules and income limits come from (citation, URL)."),
    )
    # {"es": {"name": "...", "summary": "...", "description": "...", "how_to_apply": "..."}}
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("program")

    def __str__(self):
        return self.name

    def text(self, field: str, language: str | None = None) -> str:
        return translated(self, field, language)


class ProgramVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        # Checked and frozen like a published version; takes effect at `effective_at`.
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The eligibility rule tree (docs/eligibility-rules.md); empty means open to everyone.
    eligibility_rules = models.JSONField(_("eligibility rules"), default=dict, blank=True)
    # Gating: a resident found ineligible cannot apply. Non-gating: they are told, and may.
    eligibility_gating = models.BooleanField(_("eligibility is gating"), default=False)
    # Estimated benefit value expression, with its period and a label.
    estimated_value = models.JSONField(_("estimated value"), default=dict, blank=True)
    # Example applicants with expected outcomes; publishing requires all to pass.
    examples = models.JSONField(_("example applicants"), default=list, blank=True)
    # What a resident is told once decided: what happens next, how to appeal a denial.
    next_steps = models.TextField(_("next steps after approval"), blank=True)
    appeal = models.TextField(_("how to appeal a denial"), blank=True)
    # Other languages: {"es": {"next_steps": "...", "appeal": "..."}}
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    # Most benefits are one open application per resident; some (e.g. a one-off grant
    # per season) may be applied to again while an earlier application is open.
    allows_reapplication = models.BooleanField(_("allows re-application"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # When the version takes effect: the publishing time, or a scheduled moment. Catalog,
    # intake and screening switch to a scheduled version as soon as this has passed.
    effective_at = models.DateTimeField(_("takes effect at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The only changes a frozen version accepts, touching nothing else: published -> archived,
    # and scheduled -> published when its time comes.
    ARCHIVE_FIELDS = frozenset({"status", "updated_at"})

    class Meta:
        ordering = ["program", "-number"]
        verbose_name = _("program version")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="unique_version_number"),
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status="published"),
                name="one_published_version_per_program",
            ),
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status="scheduled"),
                name="one_scheduled_version_per_program",
            ),
        ]

    def __str__(self):
        return f"{self.program.slug} v{self.number} ({self.status})"

    def save(self, *args, **kwargs):
        stored = _frozen_status(self.pk)
        if stored is not None:
            update_fields = kwargs.get("update_fields")
            archiving = (
                (stored, self.status)
                in (
                    (self.Status.PUBLISHED, self.Status.ARCHIVED),
                    (self.Status.SCHEDULED, self.Status.PUBLISHED),
                    (self.Status.SCHEDULED, self.Status.ARCHIVED),  # withdrawn before its moment
                )
                and update_fields is not None
                and set(update_fields) <= self.ARCHIVE_FIELDS
            )
            if not archiving:
                raise PublishedVersionIsImmutable(
                    f"{self.program.slug} v{self.number} is {stored} and cannot be changed"
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        stored = _frozen_status(self.pk)
        if stored is not None:
            raise PublishedVersionIsImmutable(
                f"{self.program.slug} v{self.number} is {stored} and cannot be deleted"
            )
        return super().delete(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def text(self, field: str, language: str | None = None) -> str:
        return translated(self, field, language)


class Screen(models.Model):
    version = models.ForeignKey(ProgramVersion, on_delete=models.CASCADE, related_name="screens")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # A rule over earlier answers (same language as eligibility rules); empty: always shown.
    visible_if = models.JSONField(_("shown only if"), default=dict, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="unique_screen_key_per_version")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self._check_editable("changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_editable("deleted")
        return super().delete(*args, **kwargs)

    def text(self, field: str, language: str | None = None) -> str:
        return translated(self, field, language)

    def _check_editable(self, verb: str) -> None:
        version_ids = {self.version_id}
        if self.pk is not None:
            # Moving a screen out of a frozen version would change that version too.
            version_ids.add(
                Screen.objects.filter(pk=self.pk).values_list("version_id", flat=True).first()
            )
        for version_id in version_ids:
            if _frozen_status(version_id):
                raise PublishedVersionIsImmutable(
                    f"screen {self.key!r} belongs to a published or archived version "
                    f"and cannot be {verb}"
                )


class ScreenQuestion(models.Model):
    screen = models.ForeignKey(Screen, on_delete=models.CASCADE, related_name="screen_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="screen_uses")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # New questions on a screen are optional unless the program admin requires them.
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["screen", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["screen", "question"], name="unique_question_per_screen"
            )
        ]

    def __str__(self):
        return f"{self.screen} · {self.question.key}"

    def save(self, *args, **kwargs):
        self._check_editable("changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_editable("deleted")
        return super().delete(*args, **kwargs)

    def _check_editable(self, verb: str) -> None:
        screen_ids = {self.screen_id}
        if self.pk is not None:
            screen_ids.add(
                ScreenQuestion.objects.filter(pk=self.pk)
                .values_list("screen_id", flat=True)
                .first()
            )
        frozen = ProgramVersion.objects.filter(
            screens__id__in=[sid for sid in screen_ids if sid is not None],
            status__in=[
                ProgramVersion.Status.SCHEDULED,
                ProgramVersion.Status.PUBLISHED,
                ProgramVersion.Status.ARCHIVED,
            ],
        ).exists()
        if frozen:
            raise PublishedVersionIsImmutable(
                "this question belongs to a screen of a published or archived version "
                f"and cannot be {verb}"
            )
