from reports.management.build_command import BuildCommand
from reports.models import ReportRun


class Command(BuildCommand):
    help = "生成一份季通报：附件 Excel，可选 --document 输出通报正文 Word（与网页和定时任务相同的生成器），不存档。"
    kind = ReportRun.Kind.BULLETIN
    period_option = "quarter"
    period_help = "YYYYQN，如 2025Q3"
    document = True
