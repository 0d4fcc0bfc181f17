from django import template

from policies import numbers

register = template.Library()

# A stored figure as people write it: 0.14, 3.5, 6500 (not 0.1400, 3.5000, 6500.0000).
register.filter("figure", numbers.figure)
