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


from eligibility.table_models import ReferenceTable, TableChange, TablePeriod  # noqa: E402

__all__ = ["ReferenceTable", "ScreeningRecord", "TableChange", "TablePeriod"]
