"""How a target reads: one phrase (targets.wording.describe_target) on every page,
export and workbook."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template

from targets.models import Target
from targets.wording import describe_target


def target(**fields) -> Target:
    base = {"value": Decimal("1800"), "comparison": "at_least", "window": "date", "year": 2025}
    base.update(fields, deadline_date=fields.get("deadline_date", dt.date(2025, 12, 31)))
    return Target(**base)


@pytest.mark.parametrize(
    ("fields", "unit", "text"),
    [
        ({}, "家", "≥1800家（2025年底）"),
        ({"window": "annual", "year": None, "value": Decimal("20.0000")}, "件", "≥20件（每年）"),
        (
            {"window": "annual", "year": None, "comparison": "range", "value": Decimal(2), "value_max": Decimal(3)},
            "个",
            "2—3个（每年）",
        ),
        ({"window": "annual", "year": None, "value": Decimal(2), "applies_to": "each"}, "个", "每个单位≥2个（每年）"),
        ({"window": "annual", "year": None, "comparison": "at_most", "value": Decimal(1)}, "天", "≤1天"),
        ({"comparison": "at_most", "value": Decimal(0), "year": 2027}, "家", "清零（2027年底）"),
        ({"comparison": "at_most", "value": Decimal("0.5"), "year": 2027}, "吨", "降至0.5吨以下（2027年底）"),
        ({"window": "plan", "year": None, "value": Decimal(500)}, "件", "≥500件（计划期累计）"),
        ({"value": Decimal("3.5")}, "%", "≥3.5%（2025年底）"),
    ],
)
def test_a_target_reads_as_one_phrase(fields, unit, text):
    assert describe_target(target(**fields), unit) == text


def test_a_part_year_is_not_part_of_the_wording():
    # A plan issued in September pro-rates 每年50家 to 17家 in its first year; the metrics say
    # "2024年按4个月折算" beside the figure, the target still reads as the document says.
    assert describe_target(target(window="annual", year=None, value=Decimal(50)), "家") == "≥50家（每年）"


def test_the_page_filter_says_the_same():
    rendered = Template("{% load portal_tags %}{{ t|target_text:'家' }}").render(Context({"t": target()}))

    assert rendered == "≥1800家（2025年底）"
    assert describe_target(None, "家") == "—"
