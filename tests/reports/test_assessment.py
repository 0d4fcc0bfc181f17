import datetime as dt
from decimal import Decimal

import pytest

from reports import assessment, evaluation, metrics
from supervision import services
from supervision.models import SupervisionSettings

TODAY = dt.date(2026, 3, 1)
CLOSE_AT = dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC)


@pytest.fixture
def figures(world, monkeypatch):
    """Ranking score 90 and on-time rate 75% for the county; 130 and 100% for the bureau."""

    def standings(policy, at, previous, indicators=None, results=None):
        return [
            metrics.Ranked(world.a.county.pk, 90.0, 0.75, 1, None, 3),
            metrics.Ranked(world.a.bureau.pk, 130.0, 1.0, 2, None, 3),
        ]

    monkeypatch.setattr(evaluation, "standings", standings)
    SupervisionSettings.objects.create(
        policy=world.a.policy, weight_completion=60, weight_timeliness=20, weight_closure=20
    )


def _problem(world, *, closed):
    p = services.problem_raise(
        policy=world.a.policy,
        title="问题",
        by=world.users["reviewer"],
        source="lead",
        at=dt.datetime(2025, 5, 6, tzinfo=dt.UTC),
    )
    services.problem_assign(
        problem=p, unit=world.a.county, by=world.users["reviewer"], at=dt.datetime(2025, 5, 6, tzinfo=dt.UTC)
    )
    if closed:
        services.problem_answer(problem=p, by=world.users["reporter"], text="已办", at=CLOSE_AT)
        services.problem_close(problem=p, by=world.users["reviewer"], result="已解决", at=CLOSE_AT)


class TestAnnualAssessment:
    def test_weighs_completion_timeliness_and_closure_and_adds_the_items(self, world, figures):
        _problem(world, closed=True)
        _problem(world, closed=False)
        services.assessment_item_add(
            policy=world.a.policy,
            year=2025,
            unit=world.a.county,
            points="+2",
            reason="获评省级先进",
            by=world.users["reviewer"],
        )

        result = assessment.annual_assessment(world.a.policy, 2025, TODAY)

        county = next(r for r in result.rows if r.unit == world.a.county)
        # 100 × (60 × 0.90 + 20 × 0.75 + 20 × 0.5) / 100 = 79.0, + 2
        assert (county.base, county.adjustment, county.score) == (Decimal("79.0"), Decimal("2"), Decimal("81.0"))
        assert (county.collected, county.closed) == (2, 1)

    def test_caps_completion_at_full_marks_and_gives_full_closure_without_problems(self, world, figures):
        result = assessment.annual_assessment(world.a.policy, 2025, TODAY)

        bureau = next(r for r in result.rows if r.unit == world.a.bureau)
        assert bureau.completion == 1.0 and bureau.closure is None
        assert bureau.score == Decimal("100.0")
        assert [r.rank for r in result.rows] == [1, 2] and result.rows[0].unit == world.a.bureau

    @pytest.mark.parametrize("points", ["0", "abc", "25", "1.25"])
    def test_refuses_an_item_that_is_not_a_sensible_number(self, world, points):
        with pytest.raises(services.SupervisionError):
            services.assessment_item_add(
                policy=world.a.policy,
                year=2025,
                unit=world.a.county,
                points=points,
                reason="x",
                by=world.users["reviewer"],
            )
