"""python manage.py export_ledger --policy CODE --out FILE.xlsx (stable)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from policies.models import Policy
from supervision.exports import ledger_workbook
from supervision.models import Problem


class Command(BaseCommand):
    help = "导出政策文件的问题台账（xlsx，每个问题一行）。"

    def add_arguments(self, parser):
        parser.add_argument("--policy", required=True, help="政策文件代码")
        parser.add_argument("--out", required=True, help="输出文件 FILE.xlsx")

    def handle(self, *args, **options):
        policy = Policy.objects.filter(code=options["policy"]).first()
        if policy is None:
            raise CommandError(f"没有代码为 {options['policy']} 的政策文件。")
        problems = Problem.objects.filter(policy=policy).with_listing().order_by("number")
        body = ledger_workbook(policy=policy, problems=problems, today=timezone.localdate())
        Path(options["out"]).write_bytes(body)
        self.stdout.write(f"已导出 {problems.count()} 个问题到 {options['out']}")
