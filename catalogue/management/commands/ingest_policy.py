import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.checking import CatalogueInvalid
from catalogue.ingest import IngestError, read_file, read_policy, text_from_bytes
from catalogue.services import ingest_code_assign, policy_publish


class Command(BaseCommand):
    help = (
        "读取一份新的政策文件（.docx、.txt），输出草稿（--json，不保存），或校验后保存为新的政策文件。"
        "未知的城市代码表示新城市。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--city", required=True, help="城市代码（ascii），如 tangshan；未知代码即新城市")
        parser.add_argument("--city-name", help="城市名称，如 唐山市（新城市时使用）")
        parser.add_argument("--title", help="文件标题（文本中没有标题时使用）")
        parser.add_argument("--lead-unit", help="牵头单位名称（文件未写明时保存必填）")
        parser.add_argument("--json", action="store_true", help="只输出草稿 JSON，不保存")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = read_file(path)
            text = text_from_bytes(data, filename=path.name)
            draft = read_policy(text, city_code=options["city"], city_name=options["city_name"], title=options["title"])
        except IngestError as exc:
            message = str(exc)
            raise CommandError(message if str(path) in message else f"{path.name}：{message}") from None
        if options["lead_unit"]:
            draft["lead_unit"] = options["lead_unit"]
            if options["lead_unit"] not in {u["name"] for u in draft.get("units") or []}:
                draft.setdefault("units", []).append({"code": None, "name": options["lead_unit"], "kind": "bureau"})
        if options["json"]:
            self.stdout.write(json.dumps({"policies": [draft]}, ensure_ascii=False, indent=1))
            return
        ingest_code_assign(data=draft)  # two documents on one topic never share a code
        catalogue = {"policies": [draft], "cities": [], "concepts": []}
        try:
            stats = policy_publish(data=catalogue)
        except CatalogueInvalid as exc:
            raise CommandError(
                "草稿未通过校验，未保存（可先用 --json 查看草稿，或用 --lead-unit 指定牵头单位、--title 指定标题）：\n"
                + "\n".join(str(e) for e in exc.errors)
            ) from None
        self.stdout.write(f"已保存政策文件 {draft['code']}（{draft['title']}）：新增 {stats['created']} 行。")
