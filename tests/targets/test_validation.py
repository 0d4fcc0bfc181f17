from decimal import Decimal

import pytest

from targets.validation import NumberInvalid, Rule, check_value, parse_number

COUNT = Rule(is_ratio=False, allow_negative=False, decimals=2)
WHOLE = Rule(is_ratio=False, allow_negative=False, decimals=0)
RATIO = Rule(is_ratio=True, allow_negative=False, decimals=2)


class TestParseNumber:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("1800", Decimal("1800")),
            ("１８００", Decimal("1800")),  # full-width digits
            ("1,800", Decimal("1800")),
            ("1，800.5", Decimal("1800.5")),  # full-width comma as a thousands separator
            (" 3.5% ", Decimal("3.5")),
            ("３．５％", Decimal("3.5")),
            (12, Decimal("12")),
            (2.25, Decimal("2.25")),
        ],
    )
    def test_reads_what_people_type(self, typed, expected):
        assert parse_number(typed) == expected

    @pytest.mark.parametrize("typed", ["", "  ", None, "-", "—"])
    def test_empty_means_no_figure(self, typed):
        assert parse_number(typed) is None

    @pytest.mark.parametrize("typed", ["十二", "12家", "1.2.3", "abc", True, "2,5", "12,34"])
    def test_refuses_words_with_a_message_in_chinese(self, typed):
        with pytest.raises(NumberInvalid, match="数字"):
            parse_number(typed)


class TestCheckValue:
    def test_negative_counts_are_errors(self):
        check = check_value(Decimal("-1"), COUNT, [], is_level=False, direction_up=True)

        assert check.errors == ["不能为负数"]

    def test_ratios_must_be_within_0_and_100(self):
        check = check_value(Decimal("120"), RATIO, [], is_level=True, direction_up=True)

        assert "比例应在 0—100 之间" in check.errors

    def test_precision_of_the_indicator(self):
        check = check_value(Decimal("1.234"), COUNT, [], is_level=False, direction_up=True)

        assert check.errors == ["最多保留 2 位小数"]

    def test_a_count_of_whole_things_must_be_whole(self):
        check = check_value(Decimal("1.5"), WHOLE, [], is_level=False, direction_up=True)

        assert check.errors == ["应为整数"]
        assert check_value(Decimal("2.0"), WHOLE, [], is_level=False, direction_up=True).errors == []

    def test_more_than_three_times_the_median_is_a_warning_not_an_error(self):
        history = [Decimal(v) for v in ("10", "12", "9", "11")]

        check = check_value(Decimal("40"), COUNT, history, is_level=False, direction_up=True)

        assert check.errors == []
        assert len(check.warnings) == 1
        assert "中位数（10.5）的 3.8 倍" in check.warnings[0]

    def test_a_level_that_falls_asks_for_an_explanation(self):
        check = check_value(Decimal("95"), COUNT, [Decimal("90"), Decimal("100")], is_level=True, direction_up=True)

        assert "低于上月的 100" in check.warnings[0]
