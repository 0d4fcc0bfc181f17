from django import template

from policies import numbers

register = template.Library()

# A stored figure as people write it: 0.14, 3.5, 6500 (not 0.1400, 3.5000, 6500.0000).
register.filter("figure", numbers.figure)


@register.filter
def amount(value, places: int = 2) -> str:
    """A figure for reading in a table: thousands separated, half up to `places`, a zero
    fraction dropped (12,345.6; 1,800), as the workbooks' #,##0.0# shows it; a dash when absent."""
    if value is None or value == "":
        return numbers.DASH
    text = f"{numbers.round_half_up(value, int(places)):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
