"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The 31 characters of the code: digits and capitals without I, O, Z, S, V.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    """The 18th character that the first 17 call for."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def is_valid(code: str) -> bool:
    code = normalize(code)
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    return check_character(code[:17]) == code[17]


def validate_credit_code(code: str) -> None:
    """Model and form validator: a clear Chinese message for a mistyped code."""
    code = normalize(code)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位（现为%(n)s位）。"), params={"n": len(code)}, code="length")
    bad = sorted({c for c in code if c not in ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有无效字符：%(c)s（不使用 I、O、Z、S、V）。"),
            params={"c": "、".join(bad)},
            code="chars",
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位不符，请核对是否录入有误。"), code="check")
