from django import template

register = template.Library()


@register.filter
def dollars(cents) -> str:
    """Integer cents as "$1,234" (whole dollars) or "$1,234.50"."""
    from programs.question_types import format_cents

    if cents in (None, ""):
        return ""
    return format_cents(int(cents))
