"""The admin change pages' linked error summary (programs, versions, screens)."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .templatetags.portal_forms import summary_items


class LinkedErrorSummaryMixin:
    """A change page whose errors are listed in a "There is a problem" box at the top, each a
    link to its field (the form's and every inline row's), in place of Django's "Please
    correct the errors below.", which names no field (WCAG 3.3.1). The template includes
    `forms/error_summary.html` with `error_summary` in its `form_top` block."""

    def render_change_form(self, request, context, *args, **kwargs):
        adminform = context.get("adminform")
        if adminform is not None and adminform.form.is_bound:
            items = admin_error_summary(adminform.form, context.get("inline_admin_formsets", []))
            if items:
                context["error_summary"] = items
                context["errors"] = []
        return super().render_change_form(request, context, *args, **kwargs)  # type: ignore[misc]


def admin_error_summary(form, inline_admin_formsets) -> list[dict]:
    """[{"href", "message"}] for `form`'s errors, then each inline row's, named by the inline
    and row ("Screens, row 2: …")."""
    items = summary_items(form)
    for inline in inline_admin_formsets:
        formset = inline.formset
        name = capfirst(inline.opts.verbose_name_plural)
        for error in formset.non_form_errors():
            items.append({"href": f"{formset.prefix}-group", "message": f"{name}: {error}"})
        for number, row in enumerate(formset.forms, start=1):
            for item in summary_items(row):
                message = _("%(inline)s, row %(number)d: %(message)s") % {
                    "inline": name,
                    "number": number,
                    "message": item["message"],
                }
                items.append({**item, "message": message})
    return items
