import json

from django.core.management.base import BaseCommand

from catalogue.exporting import catalogue_export


class Command(BaseCommand):
    help = "以 JSON 输出整个政策目录（DESIGN.md 的稳定格式）。"

    def add_arguments(self, parser):
        parser.add_argument("--indent", type=int, default=1)

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(catalogue_export(), ensure_ascii=False, indent=options["indent"]))
