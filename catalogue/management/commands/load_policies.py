from django.core.management.base import BaseCommand, CommandError

from catalogue.checking import CatalogueInvalid
from catalogue.loading import catalogue_load, read_fixtures


class Command(BaseCommand):
    help = "载入 fixtures/ 中的全部政策文件（幂等：重复运行不改变任何数据）。"

    def handle(self, *args, **options):
        try:
            data = read_fixtures()
        except CatalogueInvalid as exc:
            raise CommandError("政策目录有误，未载入任何内容：\n" + "\n".join(str(e) for e in exc.errors)) from None
        stats = catalogue_load(data=data)
        self.stdout.write(
            f"已载入 {len(data['policies'])} 个政策文件、{len(data['cities'])} 个城市："
            f"新增 {stats['created']}，更新 {stats['updated']}，删除 {stats['deleted']}，"
            f"因已有填报数据而保留 {stats['kept']}。"
        )
