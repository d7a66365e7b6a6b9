from django import template

register = template.Library()


@register.simple_tag
def translated_text(obj, field):
    """`{% translated_text program "summary" %}`: the field in the active language."""
    return obj.text(field)


@register.filter
def lookup(mapping, key):
    return mapping.get(key, key)


@register.filter
def text_of(obj, field):
    """`{% with x=program|text_of:"description" %}`: like translated_text, usable in with."""
    return obj.text(field)
