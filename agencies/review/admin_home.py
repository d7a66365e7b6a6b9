"""The caseworker home: what agency staff land on after signing in to the admin.

Django's admin has one landing page, the index (`/admin/`), where sign-in sends everyone.
For staff who review applications it becomes their home: their assigned work, what has
waited longest and the residents' answers to requests, with counts, above the usual list
of admin pages. Everyone else (program admins, city admins) keeps the plain index.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from agencies.review.home_selectors import caseworker_home, is_agency_staff

SECTION_TEXT = {
    "mine": (_("Assigned to me"), _("Nothing is assigned to you.")),
    "waiting": (_("Waiting longest"), _("Nothing is waiting for your agencies.")),
    "resubmitted": (
        _("Requests answered by residents"),
        _("No resident has answered a request yet."),
    ),
    "renewals": (
        _("Renewal due within 60 days"),
        _("No approval of your agencies ends within 60 days."),
    ),
}


def home_context(request) -> dict:
    queue = reverse("admin:applicants_application_changelist")
    sections = []
    for section in caseworker_home(user=request.user):
        title, empty = SECTION_TEXT[section.key]
        sections.append(
            {
                "section": section,
                "title": title,
                "empty": empty,
                "queue_url": f"{queue}?{section.queue_query}",
            }
        )
    return {"title": _("Your work"), "home_sections": sections}


def _wrap_index(index):
    def home_or_index(request, extra_context=None):
        if not is_agency_staff(request.user):
            return index(request, extra_context)
        response = index(request, {**(extra_context or {}), **home_context(request)})
        # A TemplateResponse renders lazily: the home template can still be chosen here.
        response.template_name = "admin/agencies/home.html"
        return response

    return home_or_index


# The site's URLs are built from `admin.site.index` after every admin module is imported
# (civiportal/urls.py), so replacing it here changes what `/admin/` shows.
admin.site.index = _wrap_index(admin.site.index)
