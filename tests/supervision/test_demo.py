import datetime as dt
import io

from django.core.management import call_command

from supervision.demo import supervision_demo
from supervision.models import Problem, Visit
from supervision.selectors import missing_visits

TODAY = dt.date(2026, 6, 10)


def test_the_demo_has_every_state_a_missed_visit_month_and_a_taizhou_year(real_catalogue):
    call_command("seed_demo", accounts_only=True, stdout=io.StringIO())

    made = supervision_demo(today=TODAY, password="x")
    again = supervision_demo(today=TODAY, password="x")

    assert all(n == 0 for n in again.values()), "a second run adds nothing"
    for city in ("xingtai", "taizhou"):
        problems = Problem.objects.filter(policy__city__code=city)
        assert set(problems.values_list("state", flat=True)) == set(Problem.State.values), city
        assert problems.overdue(TODAY).exists(), city
        assert problems.filter(state="closed").exclude(pk__in=problems.closed_late()).exists(), city
    assert Problem.objects.filter(policy__city__code="taizhou", number__startswith="2020-").count() == 5
    lutai = Visit.objects.filter(firm__policy__city__code="lutai")
    assert lutai.count() == made["visits"] == 35
    missed = missing_visits(lutai.first().firm.policy, [(2025, m) for m in range(1, 13)])
    assert [(m.official, m.month) for m in missed] == [("李红梅", 3)]
