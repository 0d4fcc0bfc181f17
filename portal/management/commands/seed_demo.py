"""Demo accounts for every role and deterministic demo months (run by `make run`)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from policies.models import City, Membership, Policy, Unit
from portal.demo import demo_months
from supervision.demo import supervision_demo
from targets import calendar
from targets.models import Assignment

DEMO_PASSWORD = "demo1234"
Role = Membership.Role


class Command(BaseCommand):
    help = "创建演示账号（各角色）并按确定的随机种子生成各政策文件的演示月报。"

    def add_arguments(self, parser):
        parser.add_argument("--until", help="生成到该日期之前的最后一个完整月份（默认今天）", default=None)
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--accounts-only", action="store_true")
        parser.add_argument(
            "--policy", action="append", dest="policies", metavar="CODE", help="只生成该政策文件的演示月报（可重复）"
        )

    def handle(self, *args, **options):
        until = dt.date.fromisoformat(options["until"]) if options["until"] else timezone.localdate()
        accounts, reviewers, reporters, left_open = self.accounts(until)
        made = 0
        if not options["accounts_only"]:
            made = demo_months(
                until=until,
                reviewers=reviewers,
                reporters=reporters,
                left_open=left_open,
                seed=options["seed"],
                codes=options["policies"],
            )
        self.stdout.write(f"演示月报：新生成 {made} 份（已有数据的政策文件不重复生成）。")
        if not options["accounts_only"]:
            self.stdout.write(f"督查督办演示：{supervision_demo(today=until, password=DEMO_PASSWORD)}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, label in accounts:
            self.stdout.write(f"  {username:<22} {label}")

    @transaction.atomic
    def accounts(self, until):
        User = get_user_model()
        hashed = make_password(DEMO_PASSWORD)  # hashing once keeps a hundred clerks quick

        def user(username, full_name, **extra):
            obj, _ = User.objects.get_or_create(
                username=username, defaults={"first_name": full_name, "password": hashed, **extra}
            )
            return obj

        def grant(u, role, **scope):
            Membership.objects.get_or_create(user=u, role=role, **scope)

        listing = [("admin", "管理员：用户、单位、政策、报告期、定时任务")]
        user("admin", "系统管理员", is_staff=True, is_superuser=True)
        leader = user("province-leader", "省级领导")
        grant(leader, Role.OFFICIAL)
        listing.append(("province-leader", "领导：全部城市，只读"))
        reviewers, reporters, left_open = {}, {}, set()
        # Every reporting unit has its own clerk, so the history shows who entered what.
        for unit in Unit.objects.filter(assignments__isnull=False).distinct():
            clerk = user(f"clerk-{unit.code}", f"{unit.name}填报员")
            grant(clerk, Role.REPORTER, unit=unit)
            reporters[unit.pk] = clerk
        open_month = calendar.previous_month(until)
        live_first = []
        for city in City.objects.filter(policies__isnull=False).distinct().order_by("code"):
            policies = list(Policy.objects.filter(city=city))
            # A city with a plan asking for the month now open has work today; list it first.
            live = any(calendar.policy_asks_for(p, *open_month) for p in policies)
            live_first.append((not live, city, policies))
        live_first.sort(key=lambda entry: (entry[0], entry[1].code))
        for ended, city, policies in live_first:
            status = "（计划期已结束：打开即见最终结果）" if ended else "（计划进行中：本期有月报要填、要审）"
            reviewer = user(f"{city.code}-reviewer", f"{city.name}审核员")
            for policy in policies:
                grant(reviewer, Role.REVIEWER, policy=policy)
                reviewers[policy.pk] = reviewer
            official = user(f"{city.code}-leader", f"{city.name}领导")
            grant(official, Role.OFFICIAL, city=city)
            reporter = user(f"{city.code}-reporter", f"{city.name}填报员（多单位）")
            units = self.demo_units(policies)
            for unit in units:
                grant(reporter, Role.REPORTER, unit=unit)
                reporters[unit.pk] = reporter
                left_open.add(unit.pk)
            lead = ", ".join(p.lead_unit.name for p in policies if p.lead_unit)
            listing += [
                (f"{city.code}-reporter", f"填报员：{'、'.join(u.name for u in units)}{status}"),
                (f"{city.code}-reviewer", f"审核员：{city.name}的政策文件（{lead}）"),
                (f"{city.code}-leader", f"领导：{city.name}，只读"),
            ]
        return listing, reviewers, reporters, left_open

    @staticmethod
    def demo_units(policies):
        """Two counties (or towns) and one bureau with the most indicators to report."""
        ranked = list(
            Unit.objects.reporting_for_any(policies)
            .exclude(pk__in=[p.lead_unit_id for p in policies])
            .order_by("sort_order")
        )
        counts = {u: Assignment.objects.filter(unit=u, indicator__policy__in=policies).count() for u in ranked}
        divisions = [u for u in ranked if u.kind != Unit.Kind.BUREAU][:2]
        bureaus = sorted((u for u in ranked if u.kind == Unit.Kind.BUREAU), key=lambda u: -counts[u])[:1]
        chosen = divisions + bureaus
        if not chosen:
            chosen = [p.lead_unit for p in policies if p.lead_unit][:1]
        return chosen
