from django.core.management.base import BaseCommand, CommandError

from catalogue import checking
from catalogue.checking import CatalogueInvalid
from catalogue.loading import read_fixtures


class Command(BaseCommand):
    help = "校验 fixtures/ 中的政策文件：原文摘录、计量单位、时间窗口、责任单位；按文件输出计数。"

    def handle(self, *args, **options):
        try:
            data = read_fixtures()
        except CatalogueInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"校验未通过：{len(exc.errors)} 处问题。") from None
        total = {"sections": 0, "tasks": 0, "indicators": 0, "targets": 0}
        for policy in data["policies"]:
            counts = checking.counts(policy)
            for key in total:
                total[key] += counts[key]
            self.stdout.write(
                f"{policy['code']}: 章节 {counts['sections']}，任务 {counts['tasks']}，"
                f"指标 {counts['indicators']}，目标值 {counts['targets']} —— 通过"
            )
        self.stdout.write(
            f"合计 {len(data['policies'])} 个文件：任务 {total['tasks']}，指标 {total['indicators']}，目标值 {total['targets']}。"
        )
