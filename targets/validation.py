"""Reading and checking the figures a reporter types: pure functions, messages in Chinese.

Errors refuse a submission; warnings (outliers against the unit's own history) only ask
for a one-line explanation.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u3000'’]")
# Commas only as thousands separators: "1,800" is 1800, "2,5" is refused rather than guessed.
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


class NumberInvalid(ValueError):
    """A cell that is not a number; the message is for the reporter."""


def parse_number(raw) -> Decimal | None:
    """Turn what a person typed (full-width digits, thousands separators, a trailing %,
    a number already parsed by Excel) into a Decimal; empty means no figure."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NumberInvalid("请填写数字")
    if isinstance(raw, int | float | Decimal):
        return Decimal(str(raw))
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if text in {"", "-", "—", "/"}:
        return None
    text = _SPACES.sub("", text)
    if "," in text:
        if not _GROUPED.fullmatch(text.rstrip("%")):
            raise NumberInvalid(f"“{raw}”不是有效数字：千位分隔符应每三位一个，小数请用小数点")
        text = text.replace(",", "")
    if text.endswith("%"):
        text = text[:-1]
    text = text.replace("−", "-")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise NumberInvalid(f"“{raw}”不是数字，请只填写数字（可带小数点）")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise NumberInvalid(f"“{raw}”不是数字") from None


@dataclass(frozen=True)
class Rule:
    """What an indicator allows: derived from its unit of measure and kind."""

    is_ratio: bool
    allow_negative: bool
    decimals: int


@dataclass
class Check:
    errors: list[str]
    warnings: list[str]


def check_value(
    value: Decimal | None, rule: Rule, history: list[Decimal], *, is_level: bool, direction_up: bool
) -> Check:
    """Check one figure against its rule and the unit's own previous months (oldest first)."""
    errors, warnings = [], []
    if value is None:
        return Check(errors, warnings)
    if value < 0 and not rule.allow_negative:
        errors.append("不能为负数")
    if rule.is_ratio and not rule.allow_negative and value > 100:
        errors.append("比例应在 0—100 之间")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > rule.decimals:
        errors.append("应为整数" if rule.decimals == 0 else f"最多保留 {rule.decimals} 位小数")
    recent = [h for h in history[-6:] if h is not None]
    if recent and not errors:
        median = statistics.median(recent)
        if median > 0 and value > 3 * median:
            warnings.append(f"是近几个月中位数（{_fmt(median)}）的 {value / median:.1f} 倍，请核实并说明原因")
        if is_level and direction_up and value < recent[-1]:
            warnings.append(f"低于上月的 {_fmt(recent[-1])}，存量指标一般不应下降，请说明原因")
    return Check(errors, warnings)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"
