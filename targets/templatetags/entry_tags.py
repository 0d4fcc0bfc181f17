from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, for dicts keyed by ids (int or str)."""
    if not mapping:
        return None
    if key in mapping:
        return mapping[key]
    return mapping.get(str(key)) if isinstance(mapping, dict) else None


@register.filter
def attr_of(obj, name):
    return getattr(obj, name, "") if obj is not None else ""


@register.filter
def concat(value, arg):
    """Two values joined as text ("v-"|concat:pk), for keys built in a template."""
    return f"{value}{arg}"
