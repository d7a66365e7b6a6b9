"""Reference tables in the database: tables, their dated periods, and the audit trail.

The fields mirror a table document (docs/program-format.md, "Table documents"); amounts are
stored exactly as published (a whole number or a decimal string). Changes go through
``eligibility.table_services`` only, which writes a ``TableChange`` row in the same
transaction and refuses to change a period that published program versions have used.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civiportal.append_only import AppendOnlyError, AppendOnlyModel


class TableChangeIsAppendOnly(AppendOnlyError):
    """Raised on any attempt to change or delete a table audit row."""


class ReferenceTable(models.Model):
    class Unit(models.TextChoices):
        ANNUAL_DOLLARS = "annual_dollars", _("Dollars a year")
        MONTHLY_DOLLARS = "monthly_dollars", _("Dollars a month")
        PERCENT = "percent", _("Percent")
        COUNT = "count", _("Count")

    key = models.SlugField(_("key"), max_length=63, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    source_publisher = models.CharField(_("publisher"), max_length=200)
    source_url = models.URLField(_("source URL"), max_length=500)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("reference table")

    def __str__(self):
        return self.key


class TablePeriod(models.Model):
    """One dated period of a table: in effect from ``effective_from`` until ``effective_to``
    (inclusive) or, without one, until the next period starts."""

    table = models.ForeignKey(ReferenceTable, on_delete=models.PROTECT, related_name="periods")
    effective_from = models.DateField(_("in effect from"))
    effective_to = models.DateField(_("in effect to"), null=True, blank=True)
    # {"1": 15650, "2": 21150, ...} for a table by household size; empty for a single value.
    values = models.JSONField(_("amounts by household size"), default=dict, blank=True)
    additional_person = models.JSONField(_("each further person"), null=True, blank=True)
    value = models.JSONField(_("single value"), null=True, blank=True)
    source_citation = models.CharField(_("citation"), max_length=500)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["table", "effective_from"]
        verbose_name = _("table period")
        constraints = [
            models.UniqueConstraint(
                fields=["table", "effective_from"], name="one_period_per_table_and_start"
            ),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="period_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"{self.table_id and self.table.key} from {self.effective_from.isoformat()}"


class TableChange(AppendOnlyModel):
    """One change to a reference table, written in the change's own transaction."""

    append_only_error = TableChangeIsAppendOnly

    class Action(models.TextChoices):
        TABLE_CREATED = "table_created", _("Table created")
        TABLE_UPDATED = "table_updated", _("Table details changed")
        PERIOD_ADDED = "period_added", _("Period added")
        PERIOD_CHANGED = "period_changed", _("Period changed")

    class Via(models.TextChoices):
        COMMAND = "command", _("Command")
        ADMIN = "admin", _("Admin")
        UPLOAD = "upload", _("Admin upload")
        SEED = "seed", _("Seed data")

    table_key = models.CharField(_("table"), max_length=63, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    effective_from = models.DateField(_("period from"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("table change")

    def __str__(self):
        return f"{self.table_key}: {self.action}"
