"""The shared shell of build_dispatch and build_bulletin: find the policy, build, write."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from policies.models import Policy
from reports.services import RunRefused, build_files


class BuildCommand(BaseCommand):
    kind: str  # ReportRun.Kind
    period_option: str  # "month" or "quarter"
    period_help: str
    document: bool = False  # --document: the 通报 (.docx) beside the workbook

    def add_arguments(self, parser):
        parser.add_argument("--policy", required=True, help="政策文件代码")
        parser.add_argument(f"--{self.period_option}", required=True, help=self.period_help)
        parser.add_argument("--out", required=True, help="输出的 .xlsx 文件")
        if self.document:
            parser.add_argument("--document", help="同时输出通报正文（公文格式的 .docx）")

    def handle(self, *args, **options):
        policy = Policy.objects.filter(code=options["policy"]).select_related("city", "lead_unit").first()
        if policy is None:
            raise CommandError(f"没有代码为 {options['policy']} 的政策文件")
        try:
            files = build_files(self.kind, policy, options[self.period_option], timezone.now())
        except RunRefused as exc:
            raise CommandError(str(exc)) from None
        targets = [options["out"]]
        if options.get("document"):
            targets.append(options["document"])
        for path, (data, name) in zip(targets, files, strict=False):
            Path(path).write_bytes(data)
            self.stdout.write(f"已生成 {path}（{name}，{len(data)} 字节）")
