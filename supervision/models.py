"""督查督办: the problem ledger and its steps, service clocks per policy, 催报/催办 records,
包联 rosters and visits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from policies.models import Policy, Task, Unit
from targets.models import Indicator, MonthlyReport

from .credit_code import validate_credit_code
from .evidence import evidence_storage
from .querysets import ProblemQuerySet, UrgeQuerySet, VisitQuerySet


class SupervisionSettings(models.Model):
    """What a policy's supervision asks for: the step deadlines of its service clock
    (Taizhou's 1天应答、3天明确意见、5天办结), whether they count working days, how long a
    red target's 整改说明 may take, and the weights of the annual assessment."""

    policy = models.OneToOneField(
        Policy, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="supervision_settings"
    )
    acknowledge_days = models.PositiveSmallIntegerField(_("应答时限（天）"), default=1)
    opinion_days = models.PositiveSmallIntegerField(_("明确意见时限（天）"), default=3)
    close_days = models.PositiveSmallIntegerField(_("办结时限（天）"), default=5)
    working_days = models.BooleanField(_("按工作日计算"), default=True)
    explanation_days = models.PositiveSmallIntegerField(_("整改说明时限（天）"), default=5)
    weight_completion = models.DecimalField(_("完成率权重"), max_digits=5, decimal_places=2, default=60)
    weight_timeliness = models.DecimalField(_("报送及时率权重"), max_digits=5, decimal_places=2, default=20)
    weight_closure = models.DecimalField(_("问题办结率权重"), max_digits=5, decimal_places=2, default=20)

    class Meta:
        verbose_name = _("督办设置")
        verbose_name_plural = _("督办设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledge_days__lte=models.F("opinion_days"))
                & Q(opinion_days__lte=models.F("close_days")),
                name="supervision_steps_in_order",
            ),
        ]

    def __str__(self):
        kind = "工作日" if self.working_days else "自然日"
        return f"{self.policy}：{self.acknowledge_days}/{self.opinion_days}/{self.close_days}个{kind}"


class Problem(models.Model):
    """One item of the 问题台账: raised, assigned (交办), answered, closed (办结销号), sent
    back or extended; every step is a ProblemEvent."""

    class State(models.TextChoices):
        PENDING = "pending", _("待交办")
        IN_PROGRESS = "in_progress", _("办理中")
        CLOSED = "closed", _("已办结")
        RETURNED = "returned", _("已退回")
        EXTENDED = "extended", _("已延期")

    class Source(models.TextChoices):
        REPORT = "report", _("月报存在问题")
        UNIT = "unit", _("单位自行提出")
        LEAD = "lead", _("牵头部门")
        FIRM = "firm", _("企业反映")
        VISIT = "visit", _("包联走访")
        RED_TARGET = "red_target", _("红灯督办")

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("问题")
        EXPLANATION = "explanation", _("整改说明")

    policy = models.ForeignKey(Policy, verbose_name=_("政策文件"), on_delete=models.PROTECT, related_name="problems")
    number = models.CharField(_("编号"), max_length=20)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.PROBLEM)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("问题描述"), blank=True)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("相关指标"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("相关任务"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    firm_name = models.CharField(_("企业名称"), max_length=120, blank=True)
    firm_credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("来源月报"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    visit = models.ForeignKey(
        "Visit", verbose_name=_("来源走访"), null=True, blank=True, on_delete=models.SET_NULL, related_name="problems"
    )
    raised_unit = models.ForeignKey(
        Unit, verbose_name=_("提出单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(_("提出时间"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.PENDING)
    assignee = models.ForeignKey(
        Unit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_problems",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交办人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    assigned_date = models.DateField(_("交办日期"), null=True, blank=True)
    acknowledge_due_date = models.DateField(_("应答期限"), null=True, blank=True)
    answer_due_date = models.DateField(_("明确意见期限"), null=True, blank=True)
    due_date = models.DateField(_("办结期限"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("应答时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.TextField(_("办理情况"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.TextField(_("办结结果"), blank=True)
    extensions = models.PositiveSmallIntegerField(_("延期次数"), default=0)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题台账")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="problem_unique_number"),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(assignee__isnull=False, due_date__isnull=False),
                name="problem_assigned_has_unit_and_due",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False), name="problem_closed_has_time"
            ),
        ]
        indexes = [models.Index(fields=["policy", "state", "due_date"], name="problem_policy_state_due")]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        """Assigned and not yet closed (a problem waiting to be assigned has no clock)."""
        return self.state != self.State.CLOSED and self.state != self.State.PENDING

    @property
    def awaits_close(self) -> bool:
        """The unit has answered; the assigner closes it or sends it back."""
        return self.state in (self.State.IN_PROGRESS, self.State.EXTENDED) and self.answered_at is not None

    def is_overdue(self, today) -> bool:
        """Open past its due date, or closed after it."""
        if self.due_date is None:
            return False
        if self.state == self.State.CLOSED:
            return self.closed_at is not None and self.closed_at.date() > self.due_date
        return self.is_open and today > self.due_date


class ProblemEvent(models.Model):
    """One step of a problem: who, when, what; never rewritten."""

    class Kind(models.TextChoices):
        RAISE = "raise", _("提出")
        ASSIGN = "assign", _("交办")
        ACKNOWLEDGE = "acknowledge", _("应答")
        ANSWER = "answer", _("答复")
        CLOSE = "close", _("办结销号")
        RETURN = "return", _("退回")
        EXTEND = "extend", _("延期")
        ASK_EXTEND = "ask_extend", _("延期申请")
        INSTRUCT = "instruct", _("领导批示")
        URGE = "urge", _("催办")
        ATTACH = "attach", _("上传佐证")

    problem = models.ForeignKey(Problem, verbose_name=_("问题"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("环节"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("内容"), blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT)
    due_date = models.DateField(_("期限"), null=True, blank=True)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["problem", "created_at", "id"]

    def __str__(self):
        return f"{self.problem.number} {self.get_kind_display()}"


class Urge(models.Model):
    """A 催报 (a unit that has not reported a month) or a 催办 (an overdue assignee), by a
    reviewer's click or by the daily job: who was urged, when, how. ``key`` is the
    sent-marker that makes the daily job safe to run twice."""

    class Kind(models.TextChoices):
        REPORT = "report", _("催报")
        PROBLEM = "problem", _("催办")

    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    policy = models.ForeignKey(Policy, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="urges")
    unit = models.ForeignKey(Unit, verbose_name=_("被催单位"), on_delete=models.CASCADE, related_name="urges")
    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), null=True, blank=True, on_delete=models.CASCADE, related_name="urges"
    )
    period_label = models.CharField(_("报告期"), max_length=7, blank=True)
    recipients = models.CharField(_("接收人"), max_length=500, blank=True)
    channels = models.CharField(_("方式"), max_length=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("催办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"))
    key = models.CharField(_("去重键"), max_length=120, unique=True, null=True, blank=True)

    objects = UrgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("催报催办记录")
        verbose_name_plural = _("催报催办记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.unit} {self.created_at:%Y-%m-%d}"

    @property
    def by_label(self) -> str:
        if self.created_by is None:
            return gettext("系统（每日提醒）")
        return self.created_by.get_full_name() or self.created_by.username


class Firm(models.Model):
    """A firm in a 包联 roster: which official covers it."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="firms")
    name = models.CharField(_("企业名称"), max_length=120)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code])
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("包联领导"), on_delete=models.PROTECT, related_name="covered_firms"
    )

    class Meta:
        verbose_name = _("包联企业")
        verbose_name_plural = _("包联企业")
        ordering = ["policy", "official", "name"]
        constraints = [models.UniqueConstraint(fields=["policy", "name"], name="firm_unique_name")]

    def __str__(self):
        return self.name


class Visit(models.Model):
    """One 入企走访 of a 包联 official: date, firm, what was found."""

    firm = models.ForeignKey(Firm, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="visits")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("走访领导"), on_delete=models.PROTECT, related_name="+"
    )
    visit_date = models.DateField(_("走访日期"))
    findings = models.TextField(_("走访情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visit_date", "-id"]

    def __str__(self):
        return f"{self.visit_date} {self.firm}"


class AssessmentItem(models.Model):
    """A 加分 or 扣分 of the annual assessment (年考核), entered with its reason by the lead
    bureau (Taizhou's 市效能办 绩效加分)."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="assessment_items"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("事由"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核加减分")
        verbose_name_plural = _("考核加减分")
        ordering = ["policy", "year", "unit", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="assessment_item_not_zero"),
            models.CheckConstraint(condition=Q(points__gte=-20, points__lte=20), name="assessment_item_bounded"),
        ]

    def __str__(self):
        return f"{self.year} {self.unit} {self.points:+}：{self.reason}"


class Evidence(models.Model):
    """佐证材料 attached to a report or a problem: kept outside the web root, its type read
    from its content, served only to those who may see what it is attached to."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name=_("月报"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), storage=evidence_storage, upload_to="%Y/%m/")
    name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=120)
    kind_label = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("校验值"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, problem__isnull=True) | Q(report__isnull=True, problem__isnull=False),
                name="evidence_on_one_thing",
            )
        ]

    def __str__(self):
        return self.name
