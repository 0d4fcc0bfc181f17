import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from policies.models import City, Membership, Policy, Responsibility, Section, Task, Unit
from targets.models import Assignment, Concept, Indicator, Period, Target


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("pw-12345")


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    code = factory.Sequence(lambda n: f"city{n}")
    name = factory.Sequence(lambda n: f"测试市{n}")
    province = "河北省"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    city = factory.SubFactory(CityFactory)
    code = factory.Sequence(lambda n: f"unit{n}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = Unit.Kind.BUREAU
    sort_order = factory.Sequence(lambda n: n)


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    code = factory.Sequence(lambda n: f"policy{n}")
    city = factory.SubFactory(CityFactory)
    title = factory.Sequence(lambda n: f"测试实施方案{n}")
    start_date = dt.date(2024, 1, 1)
    end_date = dt.date(2026, 12, 31)
    source_text = "到2025年底,高新技术企业达到100家。每年新增发明专利20件。"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    policy = factory.SubFactory(PolicyFactory)
    key = factory.Sequence(lambda n: f"s{n}")
    number = "一"
    title = "重点任务"
    order = factory.Sequence(lambda n: n)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    policy = factory.SubFactory(PolicyFactory)
    section = factory.SubFactory(SectionFactory, policy=factory.SelfAttribute("..policy"))
    key = factory.Sequence(lambda n: f"t{n}")
    number = factory.Sequence(lambda n: str(n))
    title = "培育创新主体"
    text = "到2025年底,高新技术企业达到100家。"
    order = factory.Sequence(lambda n: n)


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Responsibility.Role.LEAD


class ConceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concept
        django_get_or_create = ("code",)

    code = "high_tech_enterprise"
    name = "高新技术企业"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    task = factory.SubFactory(TaskFactory)
    policy = factory.SelfAttribute("task.policy")
    code = factory.Sequence(lambda n: f"ind{n}")
    name = "高新技术企业"
    unit_of_measure = "家"
    measure = Indicator.Measure.LEVEL
    rollup = Indicator.Rollup.SUM
    order = factory.Sequence(lambda n: n)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("100")
    comparison = Target.Comparison.AT_LEAST
    window = Target.Window.DATE
    year = 2025
    deadline_date = dt.date(2025, 12, 31)
    source_quote = "高新技术企业达到100家"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    indicator = factory.SubFactory(IndicatorFactory)
    unit = factory.SubFactory(UnitFactory)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period
        django_get_or_create = ("year", "month")

    year = 2025
    month = 9


def grant(user, role, **scope):
    return Membership.objects.create(user=user, role=role, **scope)
