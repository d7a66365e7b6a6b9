"""Organizations that the other apps refer to: the public agencies that run programs.

Programs, applicants and the agency workflows all name an agency; keeping the model here,
below all of them, lets each depend on it without depending on the others.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from civiportal.i18n import translated


class Agency(models.Model):
    """A public agency that runs programs and receives their applications."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Public contact details, shown to residents with every decision so "contact the
    # agency" always says how.
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    address = models.TextField(_("public address"), blank=True)
    hours = models.TextField(_("opening hours"), blank=True)
    # Other languages of the address and hours: {"es": {"address": "...", "hours": "..."}}
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table keeps its name from when the model lived in `agencies` (moved by a
        # state-only migration: no data is copied).
        db_table = "agencies_agency"
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name

    def text(self, field: str, language: str | None = None) -> str:
        return translated(self, field, language)
