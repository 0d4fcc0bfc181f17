from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from policies.models import Policy
from reports.models import ReportRun
from reports.services import RunRefused, build_file


class Command(BaseCommand):
    help = "生成一份季通报 Excel（与网页和定时任务相同的生成器），不存档。"

    def add_arguments(self, parser):
        parser.add_argument("--policy", required=True, help="政策文件代码")
        parser.add_argument("--quarter", required=True, help="YYYYQN，如 2025Q3")
        parser.add_argument("--out", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args, **options):
        policy = Policy.objects.filter(code=options["policy"]).select_related("city", "lead_unit").first()
        if policy is None:
            raise CommandError(f"没有代码为 {options['policy']} 的政策文件")
        try:
            data, name = build_file(ReportRun.Kind.BULLETIN, policy, options["quarter"], timezone.now())
        except RunRefused as exc:
            raise CommandError(str(exc)) from None
        Path(options["out"]).write_bytes(data)
        self.stdout.write(f"已生成 {options['out']}（{name}，{len(data)} 字节）")
