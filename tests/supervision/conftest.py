import datetime as dt

import pytest

from supervision import services
from supervision.models import Problem, SupervisionSettings
from targets.services import report_get_or_create, report_save
from tests import factories as f

# Tuesday before National Day 2025: the clock's three working days end on Saturday 10-11.
EVE = dt.datetime(2025, 9, 30, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock_1_3_5(world):
    return SupervisionSettings.objects.create(policy=world.a.policy, acknowledge_days=1, opinion_days=3, close_days=5)


@pytest.fixture
def problem(world) -> Problem:
    return services.problem_raise(
        policy=world.a.policy,
        title="企业用地指标不足",
        text="某企业扩产项目缺少用地指标",
        by=world.users["reviewer"],
        source=Problem.Source.LEAD,
        raised_unit=world.a.bureau,
        at=EVE,
    )


@pytest.fixture
def assigned(world, problem, clock_1_3_5) -> Problem:
    return services.problem_assign(problem=problem, unit=world.a.county, by=world.users["reviewer"], at=EVE)


@pytest.fixture
def answered(world, assigned) -> Problem:
    return services.problem_answer(problem=assigned, by=world.users["reporter"], text="已协调自然资源局", at=EVE)


@pytest.fixture
def report_with_problems(world):
    period = f.PeriodFactory(year=2025, month=9)
    report = report_get_or_create(policy=world.a.policy, unit=world.a.county, period=period)
    return report_save(
        report=report,
        by=world.users["reporter"],
        version=report.version,
        values={},
        texts={"problems_text": "1. 部分企业研发投入不足\n\n2. 项目用地审批慢"},
        on_date=dt.date(2025, 10, 3),
    ).report
