import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.checking import CatalogueInvalid
from catalogue.services import policy_publish


class Command(BaseCommand):
    help = "从 export_policies 输出的 JSON 文件载入政策目录（往返一致）。"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取 {path}：{exc}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} 不是有效的 JSON（第{exc.lineno}行第{exc.colno}列）：{exc.msg}") from None
        if not isinstance(data, dict) or not isinstance(data.get("policies"), list):
            raise CommandError(f"{path} 不是政策目录：缺少 policies 列表。")
        try:
            stats = policy_publish(data=data)
        except CatalogueInvalid as exc:
            raise CommandError("政策目录有误，未载入任何内容：\n" + "\n".join(str(e) for e in exc.errors)) from None
        self.stdout.write(
            f"已载入 {len(data['policies'])} 个政策文件：新增 {stats['created']}，更新 {stats['updated']}。"
        )
