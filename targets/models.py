"""What units report against the policies: indicators, targets, assignments, periods,
monthly reports with their values and narrative, and the history of every change."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from policies.models import Policy, Task, Unit

from .calendar import month_ordinal as ordinal
from .querysets import MonthlyReportQuerySet, PeriodQuerySet

# Units of measure that count whole things: 1.5家 is a typing error, and a split of a
# count target gives whole numbers.
COUNT_UNITS = frozenset("家个件项人名次场户条台套座批所处款种篇辆艘")


def default_decimals(unit_of_measure: str) -> int:
    """The precision an indicator is reported in when its fixture does not say."""
    return 0 if unit_of_measure in COUNT_UNITS else 2


class Concept(models.Model):
    """What several documents measure under one meaning (高新技术企业, 发明专利 …)."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("指标概念")
        verbose_name_plural = _("指标概念")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    class Measure(models.TextChoices):
        LEVEL = "level", _("存量（月末值）")
        FLOW = "flow", _("增量（当月数）")

    class Rollup(models.TextChoices):
        SUM = "sum", _("各单位相加")
        SINGLE = "single", _("单一单位填报")

    class Direction(models.TextChoices):
        UP = "up", _("越大越好")
        DOWN = "down", _("越小越好")

    policy = models.ForeignKey(Policy, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="indicators")
    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("代码"), max_length=80, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    unit_of_measure = models.CharField(_("计量单位"), max_length=30)
    measure = models.CharField(_("类型"), max_length=10, choices=Measure.choices)
    rollup = models.CharField(_("汇总方式"), max_length=10, choices=Rollup.choices)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices, default=Direction.UP)
    growth_rate = models.BooleanField(_("增速指标"), default=False)
    concept = models.ForeignKey(
        Concept, verbose_name=_("概念"), null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=2)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["policy", "order"]

    def __str__(self):
        return f"{self.name}（{self.unit_of_measure}）"

    @property
    def is_ratio(self) -> bool:
        return self.unit_of_measure == "%"


class Target(models.Model):
    class Comparison(models.TextChoices):
        AT_LEAST = "at_least", _("不低于")
        AT_MOST = "at_most", _("不高于")
        RANGE = "range", _("区间")

    class Window(models.TextChoices):
        ANNUAL = "annual", _("每年")
        PLAN = "plan", _("计划期累计")
        DATE = "date", _("截止时点")

    class AppliesTo(models.TextChoices):
        TOTAL = "total", _("全市合计")
        EACH = "each", _("每个单位")

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(_("目标值"), max_digits=18, decimal_places=4)
    value_max = models.DecimalField(_("目标上限"), max_digits=18, decimal_places=4, null=True, blank=True)
    comparison = models.CharField(_("比较方式"), max_length=10, choices=Comparison.choices)
    window = models.CharField(_("时间窗口"), max_length=10, choices=Window.choices)
    year = models.PositiveSmallIntegerField(_("年份"), null=True, blank=True)
    deadline_date = models.DateField(_("截止日期"), null=True, blank=True)
    deadline_inferred = models.BooleanField(_("截止日期为推定"), default=False)
    baseline_value = models.DecimalField(_("基数"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_date = models.DateField(_("基数日期"), null=True, blank=True)
    # 每县、每个…不少于: every assigned unit must reach the value on its own.
    applies_to = models.CharField(_("适用对象"), max_length=10, choices=AppliesTo.choices, default=AppliesTo.TOTAL)
    source_quote = models.TextField(_("原文摘录"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("目标值")
        verbose_name_plural = _("目标值")
        ordering = ["indicator", "order"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(comparison="range") | Q(value_max__isnull=False, value_max__gte=F("value")),
                name="target_range_has_upper_bound",
            ),
            models.CheckConstraint(
                condition=Q(window="annual") | Q(deadline_date__isnull=False),
                name="target_dated_window_has_deadline",
            ),
        ]

    def __str__(self):
        bound = f"{self.value}—{self.value_max}" if self.comparison == self.Comparison.RANGE else f"{self.value}"
        return f"{self.indicator.name} {self.get_comparison_display()} {bound}"


class Milestone(models.Model):
    """分年度目标: one year's own target, from the document or set by an administrator. It wins
    over pro-rating a part year and over interpolating towards a deadline."""

    target = models.ForeignKey(Target, verbose_name=_("目标值"), on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("年度目标"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("分年度目标")
        verbose_name_plural = _("分年度目标")
        ordering = ["target", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="milestone_unique_year")]

    def __str__(self):
        return f"{self.target} · {self.year}年 {self.value.normalize():f}"


class Assignment(models.Model):
    """分解下达: which unit reports an indicator, and its share of the target if split."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="assignments")
    allocated_value = models.DecimalField(_("分解目标"), max_digits=18, decimal_places=4, null=True, blank=True)
    is_override = models.BooleanField(_("人工指定"), default=False)

    class Meta:
        verbose_name = _("分解下达")
        verbose_name_plural = _("分解下达")
        ordering = ["indicator", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="assignment_unique_unit"),
            models.CheckConstraint(
                condition=Q(allocated_value__isnull=True) | Q(allocated_value__gte=0),
                name="assignment_share_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.name} → {self.unit}"


class Period(models.Model):
    """报告期: a calendar month."""

    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    # year × 12 + month − 1: one integer so that windows are simple range filters in SQL.
    ordinal = models.PositiveIntegerField(_("序号"), editable=False, db_index=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("报告期")
        verbose_name_plural = _("报告期")
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="period_unique_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="period_month_valid"),
        ]

    def __str__(self):
        # Always Chinese: written into workbooks' identities, audit notes and notifications.
        return f"{self.year}年{self.month}月"

    def save(self, *args, **kwargs):
        self.ordinal = ordinal((self.year, self.month))
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """The period as a page shows it: 2025年9月, or September 2025 in English."""
        return date_format(dt.date(self.year, self.month, 1), "YEAR_MONTH_FORMAT")

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end_date(self) -> dt.date:
        following = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


class PeriodLock(models.Model):
    """The state of one policy's reporting for one period: open, or locked (and when)."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="period_locks"
    )
    period = models.ForeignKey(Period, verbose_name=_("报告期"), on_delete=models.CASCADE, related_name="locks")
    opened_at = models.DateTimeField(_("开放时间"), null=True, blank=True)
    # The due and lock days in force when the period opened: a later change of the policy's
    # days applies to periods not yet opened and never turns a late report into an on-time one.
    due_day = models.PositiveSmallIntegerField(_("报送截止日"), null=True, blank=True)
    lock_day = models.PositiveSmallIntegerField(_("锁定日"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("锁定人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("报告期状态")
        verbose_name_plural = _("报告期状态")
        constraints = [models.UniqueConstraint(fields=["policy", "period"], name="period_lock_unique")]

    def __str__(self):
        return f"{self.policy} · {self.period}"

    def save(self, *args, **kwargs):
        if self.due_day is None:
            self.due_day = self.policy.due_day
        if self.lock_day is None:
            self.lock_day = self.policy.lock_day
        super().save(*args, **kwargs)


class PeriodUnlock(models.Model):
    """An administrator's reopening of a locked period for one unit; the reason is kept."""

    lock = models.ForeignKey(PeriodLock, verbose_name=_("报告期"), on_delete=models.CASCADE, related_name="unlocks")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="unlocks")
    reason = models.CharField(_("原因"), max_length=300)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    unlocked_at = models.DateTimeField(_("解锁时间"), auto_now_add=True)
    until_date = models.DateField(_("有效至"))

    class Meta:
        verbose_name = _("解锁记录")
        verbose_name_plural = _("解锁记录")
        ordering = ["-unlocked_at"]

    def __str__(self):
        return f"{self.lock} · {self.unit}"


class MonthlyReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")

    policy = models.ForeignKey(Policy, verbose_name=_("政策文件"), on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, verbose_name=_("报告期"), on_delete=models.PROTECT, related_name="reports")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    # Incremented on every save; a save that carries an older version is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)
    progress_text = models.TextField(_("工作进展"), blank=True)
    problems_text = models.TextField(_("存在问题"), blank=True)
    next_steps_text = models.TextField(_("下步计划"), blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Timeliness counts the first submission; a resubmission after a return is not "late".
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("月报")
        verbose_name_plural = _("月报")
        ordering = ["-period__year", "-period__month", "policy", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "unit", "period"], name="report_unique_unit_period"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "returned"]) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""), name="report_returned_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["period", "policy", "state"], name="report_period_policy_state")]

    def __str__(self):
        return f"{self.unit} · {self.period} · {self.policy}"


# A unit's state in a month's queue: 未填报 before it has a report, the report's own after.
QUEUE_STATES: dict[str, str] = {"missing": _("未填报"), **dict(MonthlyReport.State.choices)}


class ReportValue(models.Model):
    report = models.ForeignKey(MonthlyReport, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=4, null=True, blank=True)
    # What was typed when it was not a number: a draft keeps it so that nothing typed is lost.
    raw_text = models.CharField(_("原始输入"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("填报数值")
        verbose_name_plural = _("填报数值")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="value_unique_indicator")]
        indexes = [models.Index(fields=["indicator", "report"], name="value_indicator_report")]

    def __str__(self):
        return f"{self.indicator.name} = {self.value}"


class ReportEvent(models.Model):
    """The history: every change to a value, the narrative or the state, never rewritten."""

    class Kind(models.TextChoices):
        VALUE = "value", _("数值")
        TEXT = "text", _("文字")
        STATE = "state", _("状态")

    class Source(models.TextChoices):
        WEB = "web", _("网页")
        EXCEL = "excel", _("Excel")
        SYSTEM = "system", _("系统")
        API = "api", _("数据接口")

    report = models.ForeignKey(MonthlyReport, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="events")
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    field = models.CharField(_("字段"), max_length=40, blank=True)
    old = models.TextField(_("原值"), blank=True)
    new = models.TextField(_("新值"), blank=True)
    comment = models.CharField(_("说明"), max_length=500, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.WEB)
    # The report's version this change produced: "what changed since version N" for a stale save.
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("修改记录")
        verbose_name_plural = _("修改记录")
        ordering = ["report", "created_at", "id"]

    def __str__(self):
        return f"{self.report} {self.field}: {self.old} → {self.new}"


class Notification(models.Model):
    """An in-app notice (and the e-mail sent with it); `key` makes each one go out once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("即将截止")
        DUE = "due", _("已到截止日")
        RETURNED = "returned", _("月报被退回")
        DIGEST = "digest", _("待审核汇总")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("去重键"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title


class IndicatorMonth(models.Model):
    """The city's figure of an indicator for a month from approved reports, kept up to date in
    the same transaction as each approval, so that dashboards read a few thousand summary
    rows instead of millions of values."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.CASCADE, related_name="months")
    ordinal = models.PositiveIntegerField(_("月份序号"))
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    total = models.DecimalField(_("合计"), max_digits=20, decimal_places=4)
    reporters = models.PositiveIntegerField(_("已审核单位数"))

    class Meta:
        verbose_name = _("指标月度汇总")
        verbose_name_plural = _("指标月度汇总")
        constraints = [models.UniqueConstraint(fields=["indicator", "ordinal"], name="indicator_month_unique")]

    def __str__(self):
        return f"{self.indicator} {self.year}-{self.month:02d} = {self.total}"


class AuditEntry(models.Model):
    """A change of targets, shares or locks that no report's history records: who, when,
    what changed from what to what, and why. Written by the services and by the admin."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(_("操作"), max_length=40)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=40)
    summary = models.CharField(_("对象"), max_length=300)
    # {field: [before, after]}, values as text so that a Decimal reads as it was typed
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    reason = models.TextField(_("原因"), blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.summary}"
