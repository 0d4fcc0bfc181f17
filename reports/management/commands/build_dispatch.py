from reports.management.build_command import BuildCommand
from reports.models import ReportRun


class Command(BuildCommand):
    help = "生成一份月调度 Excel（与网页和定时任务相同的生成器），不存档。"
    kind = ReportRun.Kind.DISPATCH
    period_option = "month"
    period_help = "YYYY-MM"
