"""What was derived and issued: every run of a dispatch or bulletin job, archived."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from policies.models import Policy


class ReportRun(models.Model):
    class Kind(models.TextChoices):
        DISPATCH = "dispatch", _("月调度")
        BULLETIN = "bulletin", _("季通报")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    policy = models.ForeignKey(Policy, verbose_name=_("政策文件"), on_delete=models.PROTECT, related_name="runs")
    # "2025-09" for a dispatch, "2025Q3" for a bulletin.
    period_label = models.CharField(_("期次"), max_length=10)
    version = models.PositiveIntegerField(_("版本"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    error = models.TextField(_("错误"), blank=True)
    cutoff_at = models.DateTimeField(_("数据截止时间"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.FileField(_("文件"), upload_to="runs/%Y/%m/", blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # A bulletin run's 通报 itself (.docx) beside its attachments (`file`, .xlsx).
    document = models.FileField(_("通报文件"), upload_to="runs/%Y/%m/", blank=True)
    document_checksum = models.CharField(_("通报 SHA-256"), max_length=64, blank=True)
    doc_number = models.CharField(_("文号"), max_length=80, blank=True)
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    task_id = models.CharField(_("任务编号"), max_length=64, blank=True)
    # When its message last went to the broker (null: never, the broker was down), and how
    # many builds were begun: the sweeper resends the first and gives up after a few of the second.
    sent_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    # "host:pid" of the process building it: a redelivered message may take the run over at
    # once when that process is gone, instead of waiting for the time limit.
    builder = models.CharField(_("生成进程"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("生成记录")
        verbose_name_plural = _("生成记录")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "policy", "period_label", "version"], name="run_unique_version"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="run_progress_percent"),
        ]

    def __str__(self):
        return f"{self.policy} {self.get_kind_display()} {self.period_label} v{self.version}"
