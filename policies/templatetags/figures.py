from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def figure(value, places: int = 4):
    """A stored figure as people write it: 0.14, 3.5, 6500 (not 0.1400, 3.5000, 6500.0000)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)))
    except (InvalidOperation, ValueError):
        return value
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
