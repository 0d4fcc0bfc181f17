import datetime as dt
from dataclasses import dataclass

import pytest

from catalogue.loading import catalogue_load, read_fixtures
from policies.models import Membership, Responsibility
from targets.services import report_get_or_create, report_return, report_save, report_submit
from tests import factories as f

Role = Membership.Role


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the sessions left open by the live server's
    keep-alive request threads ended before it is dropped (PostgreSQL refuses to drop a
    database in use, and the next run would find it still there)."""
    yield
    _CATALOGUE.close()  # a run stopped early (-x, Ctrl-C) may leave it open
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


class SharedCatalogue:
    """The five real policies (fixtures/), loaded once per session into the test database.

    Loading them costs about four seconds, so the tests that read the real catalogue share
    one load: it is written inside an outer transaction that every such test runs in (each
    test's own transaction is a savepoint within it, rolled back after the test, so a test
    may change or delete what it likes), and the outer transaction is rolled back after the
    last of them. The tests that request ``real_catalogue`` run first, one after another
    (``pytest_collection_modifyitems`` below), so the catalogue is loaded once; every other
    test still starts from an empty database, and transactional tests (the live server,
    the worker) never see the outer transaction.
    """

    def __init__(self):
        self.atomic = None
        self.blocker = None
        self.data = None
        self.loads = 0

    def open(self, blocker) -> None:
        if self.atomic is not None:
            return
        from django.db import connection, transaction

        with blocker.unblock():
            if connection.in_atomic_block:
                raise pytest.UsageError(
                    "real_catalogue must be set up before the test's own transaction: request it "
                    "before db or any fixture that uses db, and do not mark the test django_db"
                )
            self.blocker = blocker
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            try:
                self.data = read_fixtures()
                catalogue_load(data=self.data)
            except BaseException:
                self.close()
                raise
            self.loads += 1

    def close(self) -> None:
        if self.atomic is None:
            return
        from django.db import transaction

        atomic, self.atomic = self.atomic, None
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


_CATALOGUE = SharedCatalogue()
REAL_CATALOGUE = "real_catalogue"


@pytest.fixture
def _shared_catalogue(django_db_setup, django_db_blocker):
    _CATALOGUE.open(django_db_blocker)


@pytest.fixture
def real_catalogue(_shared_catalogue, db) -> dict:
    """The shipped catalogue in the database (see SharedCatalogue); returns the data read from
    fixtures/. Request it before `db` or `world`; changes are rolled back after the test."""
    return _CATALOGUE.data


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # After pytest-django's own order (plain database tests, then transactional ones, then
    # the rest): the tests on the real catalogue come first, together, sharing one load.
    items.sort(key=lambda item: REAL_CATALOGUE not in getattr(item, "fixturenames", ()))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if nextitem is None or REAL_CATALOGUE not in getattr(nextitem, "fixturenames", ()):
        _CATALOGUE.close()
    return result


@pytest.fixture
def celery_eager():
    """Celery tasks run in the calling process, as the worker would run them."""
    from portal.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


@dataclass
class CitySide:
    city: object
    policy: object
    bureau: object
    county: object
    task: object
    indicator: object
    flow: object


def _side(code: str, label: str) -> CitySide:
    city = f.CityFactory(code=f"{code}-city", name=f"{label}市")
    bureau = f.UnitFactory(city=city, code=f"{code}-bureau", name=f"{label}市工信局", kind="bureau")
    county = f.UnitFactory(city=city, code=f"{code}-county", name=f"{label}县", kind="county")
    policy = f.PolicyFactory(city=city, code=f"{code}-policy", title=f"{label}市实施方案", lead_unit=bureau)
    policy.units.set([bureau, county])
    task = f.TaskFactory(policy=policy, counties_implement=True)
    f.ResponsibilityFactory(task=task, unit=bureau, role=Responsibility.Role.LEAD)
    f.ResponsibilityFactory(task=task, unit=county, role=Responsibility.Role.IMPLEMENT)
    indicator = f.IndicatorFactory(task=task, code=f"{code}-hightech", concept=f.ConceptFactory())
    f.TargetFactory(indicator=indicator)
    flow = f.IndicatorFactory(
        task=task, code=f"{code}-patents", name="新增发明专利", unit_of_measure="件", measure="flow"
    )
    f.TargetFactory(
        indicator=flow, value=20, window="annual", year=None, deadline_date=None, source_quote="每年新增发明专利20件"
    )
    for ind in (indicator, flow):
        for unit in (bureau, county):
            f.AssignmentFactory(indicator=ind, unit=unit)
    return CitySide(city, policy, bureau, county, task, indicator, flow)


@dataclass
class World:
    a: CitySide
    b: CitySide
    users: dict


@pytest.fixture
def world(db) -> World:
    """Two cities, each with a policy, a bureau and a county; a user of every role in city A."""
    a, b = _side("a", "甲"), _side("b", "乙")
    users = {
        "reporter": f.UserFactory(username="reporter"),
        "other_reporter": f.UserFactory(username="other_reporter"),
        "reviewer": f.UserFactory(username="reviewer"),
        "official": f.UserFactory(username="official"),
        "admin": f.UserFactory(username="admin", is_staff=True, is_superuser=True),
    }
    f.grant(users["reporter"], Role.REPORTER, unit=a.county)
    f.grant(users["other_reporter"], Role.REPORTER, unit=b.county)
    f.grant(users["reviewer"], Role.REVIEWER, policy=a.policy)
    f.grant(users["official"], Role.OFFICIAL, city=a.city)
    return World(a, b, users)


@pytest.fixture
def period(db):
    return f.PeriodFactory(year=2025, month=9)


ON_DATE = dt.date(2025, 10, 3)
ON_AT = dt.datetime(2025, 10, 3, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def report_draft(world, period):
    report = report_get_or_create(policy=world.a.policy, unit=world.a.county, period=period)
    return report_save(
        report=report,
        by=world.users["reporter"],
        version=report.version,
        values={world.a.indicator.pk: "60", world.a.flow.pk: "2"},
        on_date=ON_DATE,
    ).report


@pytest.fixture
def report_submitted(world, report_draft):
    return report_submit(
        report=report_draft, by=world.users["reporter"], version=report_draft.version, on_date=ON_DATE, at=ON_AT
    )


@pytest.fixture
def report_returned(world, report_submitted):
    return report_return(report=report_submitted, by=world.users["reviewer"], reason="请核对专利数据口径")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: the ids that key cached pages
    (reports.dashboard.data_version) are reused after a rolled-back test."""
    from django.core.cache import cache

    cache.clear()
    yield
