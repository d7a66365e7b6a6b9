"""Accessible form rendering shared by every form in the portal.

    {% load portal_forms %}
    {% error_summary form %}           at the top of the page, before the form
    {% render_field form.field %}      one field: label or fieldset+legend, hint, error

Any Django form works; question fields from `programs.question_types` get the grouped
markup (fieldset, memorable date, labelled name/address parts) through their widgets.
"""

from django import forms, template
from django.forms.utils import ErrorList

register = template.Library()


def first_input_id(bound_field) -> str:
    """The id of the element an error summary link should focus for this field."""
    widget = bound_field.field.widget
    auto_id = bound_field.auto_id
    if not auto_id:
        return ""
    if getattr(widget, "is_hidden", False):
        return f"{auto_id}-field"
    if isinstance(widget, forms.SelectDateWidget):
        return widget.id_for_label(auto_id)
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget):
        # Their subinputs are numbered; the first is "<id>_0".
        return f"{auto_id}_0"
    return widget.id_for_label(auto_id) or auto_id


@register.inclusion_tag("forms/field.html")
def render_field(bound_field, optional_marker=True):
    """Render one bound field with its label (or legend), hint and error, accessibly."""
    auto_id = bound_field.auto_id or bound_field.html_name
    hint_id = f"{auto_id}-hint"
    error_id = f"{auto_id}-error"
    described_by = " ".join(
        element_id
        for element_id, present in (
            (hint_id, bool(bound_field.help_text)),
            (error_id, bool(bound_field.errors)),
        )
        if present
    )
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = described_by
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    widget = bound_field.field.widget
    is_static = getattr(bound_field.field, "is_static", False)
    return {
        "field": bound_field,
        "hint_id": hint_id,
        "error_id": error_id,
        "described_by": described_by,
        "wrapper_id": f"{auto_id}-field",
        "first_input_id": first_input_id(bound_field),
        "use_fieldset": bound_field.use_fieldset,
        "is_hidden": widget.is_hidden,
        "is_static": is_static,
        "optional": optional_marker and not bound_field.field.required and not is_static,
        "widget_html": "" if is_static else bound_field.as_widget(attrs=attrs),
    }


def summary_items(form) -> list[dict]:
    """[{"href": input id, "message": text}] for each error of `form`, in field order."""
    visible = [bf for bf in form if not getattr(bf.field, "is_static", False)]
    fallback = first_input_id(visible[0]) if visible else "main-content"
    items = [{"href": fallback, "message": error} for error in form.non_field_errors()]
    for bound_field in form:
        for error in form.errors.get(bound_field.name, ErrorList()).as_data():
            href = part_input_id(bound_field, error) or first_input_id(bound_field) or fallback
            for message in error.messages:
                items.append({"href": href, "message": message})
    return items


def part_input_id(bound_field, error) -> str:
    """For name/address errors about one part ("zip"), the id of that part's input."""
    part = (error.params or {}).get("part") if isinstance(error.params, dict) else None
    parts = [key for key, _label in getattr(bound_field.field.widget, "parts", [])]
    if part in parts and bound_field.auto_id:
        return f"{bound_field.auto_id}_{parts.index(part)}"
    return ""


@register.inclusion_tag("forms/error_summary.html")
def error_summary(*forms_with_errors):
    """The "There is a problem" box linking each error to its input; empty if none."""
    items = []
    for form in forms_with_errors:
        if form is not None and form.is_bound:
            items.extend(summary_items(form))
    return {"items": items}
