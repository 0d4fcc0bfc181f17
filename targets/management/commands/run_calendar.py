import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from targets import notifications, services


class Command(BaseCommand):
    help = "按指定日期执行报告期日历：开放上月报告期、锁定到期报告期、发送催报和待审核提醒（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD，默认今天")

    def handle(self, *args, **options):
        try:
            on_date = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError("--date 应为 YYYY-MM-DD") from None
        opened = services.period_open(on_date=on_date)
        locked = services.period_lock_due(on_date=on_date)
        reminded = notifications.reminders_send(on_date=on_date)
        digests = notifications.reviewer_digest_send(on_date=on_date)
        self.stdout.write(
            f"{on_date}：开放 {len(opened)} 个报告期，锁定 {len(locked)} 个，发出催报 {reminded} 条、待审核提醒 {digests} 条。"
        )
