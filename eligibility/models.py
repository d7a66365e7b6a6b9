from django.db import models
from django.utils.translation import gettext_lazy as _


class ScreeningRecord(models.Model):
    """What a resident was shown on the results page, kept for the city's reach figures
    (screened → likely eligible → applied). The anonymous screening API stores nothing."""

    applicant = models.ForeignKey(
        "applicants.Applicant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="screenings",
    )
    # {program slug: "eligible" | "ineligible" | "unknown"}
    outcomes = models.JSONField(_("outcomes"), default=dict)
    likely_eligible_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("screening record")

    def __str__(self):
        return f"screening {self.pk} ({self.likely_eligible_count} likely eligible)"


class ScreeningFailure(models.Model):
    """A published program version that could not be compiled or evaluated while screening.

    Screening leaves such a program out (residents see "we could not check this program")
    and keeps every other program working; this row tells program admins what went wrong.
    One row per version and stage; ``occurrences`` counts evaluations that failed.
    """

    class Stage(models.TextChoices):
        COMPILE = "compile", _("compiling the rules")
        EVALUATE = "evaluate", _("checking a resident's answers")

    version = models.ForeignKey(
        "programs.ProgramVersion", on_delete=models.CASCADE, related_name="screening_failures"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    message = models.TextField(_("error"))
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    first_seen = models.DateTimeField(_("first seen"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"), auto_now=True)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = _("screening failure")
        constraints = [
            models.UniqueConstraint(fields=["version", "stage"], name="screening_failure_once")
        ]

    def __str__(self):
        return f"{self.version} ({self.stage}): {self.message[:80]}"


from eligibility.table_models import ReferenceTable, TableChange, TablePeriod  # noqa: E402

__all__ = ["ReferenceTable", "ScreeningFailure", "ScreeningRecord", "TableChange", "TablePeriod"]
