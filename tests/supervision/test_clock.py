import datetime as dt

import pytest

from supervision import clock
from supervision.credit_code import check_character, is_valid


class TestWorkingDays:
    def test_three_working_days_from_the_eve_of_national_day_end_on_the_make_up_saturday(self):
        # 2025-10-01..10-08 are off; 10-09 (Thu) and 10-10 (Fri) are the first two working
        # days and Saturday 10-11 is a make-up working day.
        assert clock.add_days(dt.date(2025, 9, 30), 3, working=True) == dt.date(2025, 10, 11)

    def test_one_working_day_from_a_friday_is_the_make_up_sunday_before_national_day(self):
        assert clock.add_days(dt.date(2025, 9, 26), 1, working=True) == dt.date(2025, 9, 28)

    def test_five_working_days_from_the_eve_skip_the_whole_holiday(self):
        # 10-09, 10-10, 10-11 (make-up), 10-13, 10-14
        assert clock.add_days(dt.date(2025, 9, 30), 5, working=True) == dt.date(2025, 10, 14)

    def test_calendar_days_count_the_holiday(self):
        assert clock.add_days(dt.date(2025, 9, 30), 3, working=False) == dt.date(2025, 10, 3)

    def test_an_ordinary_week_skips_the_weekend(self):
        assert clock.add_days(dt.date(2025, 6, 13), 1, working=True) == dt.date(2025, 6, 16)

    def test_a_year_the_library_does_not_cover_falls_back_to_monday_to_friday(self, monkeypatch):
        def uncovered(day):
            raise NotImplementedError

        monkeypatch.setattr(clock.chinese_calendar, "is_workday", uncovered)

        assert clock.add_days(dt.date(2030, 10, 4), 1, working=True) == dt.date(2030, 10, 7)
        assert not clock.covers(2030)


class TestDaysLate:
    @pytest.mark.parametrize(
        ("due", "today", "late"),
        [
            (dt.date(2025, 10, 11), dt.date(2025, 10, 11), 0),
            (dt.date(2025, 10, 11), dt.date(2025, 10, 14), 3),
            (None, dt.date(2025, 1, 1), 0),
        ],
    )
    def test_counts_calendar_days_after_the_due_date(self, due, today, late):
        assert clock.days_late(due, today) == late


class TestCreditCode:
    def test_a_code_with_its_check_character_is_valid(self):
        body = "91130500MA0CXXXX1"
        code = body + check_character(body)

        assert is_valid(code)
        assert is_valid(code.lower())

    def test_a_mistyped_character_is_caught(self):
        body = "91130500MA0CXXXX1"
        code = body + check_character(body)
        wrong = code[:5] + ("1" if code[5] != "1" else "2") + code[6:]

        assert not is_valid(wrong)

    @pytest.mark.parametrize("code", ["", "9113050", "91130500MA0CXXXXIO"])
    def test_wrong_length_or_letters_outside_the_alphabet_are_refused(self, code):
        assert not is_valid(code)

    @pytest.mark.parametrize("code", ["91350100M000100Y43", "91440300708461136T", "9144030071526726XG"])
    def test_published_codes_check(self, code):
        assert is_valid(code)
