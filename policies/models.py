"""What the documents say: cities, units, who belongs to which unit, policies, their
sections, tasks and responsibilities."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .querysets import PolicyQuerySet, TaskQuerySet, UnitQuerySet


class City(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    province = models.CharField(_("省份"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级城市"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("城市")
        verbose_name_plural = _("城市")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A responsible unit: a bureau, a county-level division, a town, a bank branch."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("部门")
        COUNTY = "county", _("县")
        DISTRICT = "district", _("区")
        COUNTY_CITY = "county_city", _("县级市")
        ZONE = "zone", _("开发区")
        TOWN = "town", _("乡镇街道")
        OTHER = "other", _("其他")

    # The kinds that a "各县(市、区)" clause makes responsible.
    DIVISION_KINDS = (Kind.COUNTY, Kind.DISTRICT, Kind.COUNTY_CITY, Kind.ZONE)

    city = models.ForeignKey(City, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        ordering = ["city__code", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["city", "name"], name="unit_unique_name_in_city")]

    def __str__(self):
        return self.name

    @property
    def is_division(self) -> bool:
        return self.kind in self.DIVISION_KINDS


class Membership(models.Model):
    """One role of one user, with the scope it covers; a user may hold several."""

    class Role(models.TextChoices):
        REPORTER = "reporter", _("填报员")
        REVIEWER = "reviewer", _("审核员")
        OFFICIAL = "official", _("领导")
        ADMIN = "admin", _("管理员")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE)
    policy = models.ForeignKey("Policy", verbose_name=_("政策文件"), null=True, blank=True, on_delete=models.CASCADE)
    city = models.ForeignKey(City, verbose_name=_("城市"), null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="reporter") | Q(unit__isnull=False), name="membership_reporter_has_unit"
            ),
            models.CheckConstraint(
                condition=~Q(role="reviewer") | Q(policy__isnull=False), name="membership_reviewer_has_policy"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit", "policy", "city"],
                name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        scope = self.unit or self.policy or self.city or _("全部")
        return f"{self.user} · {self.get_role_display()} · {scope}"


class Policy(models.Model):
    class Script(models.TextChoices):
        SIMPLIFIED = "simplified", _("简体")
        TRADITIONAL = "traditional", _("繁体")

    code = models.SlugField(_("代码"), max_length=80, unique=True)
    city = models.ForeignKey(City, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="policies")
    title = models.CharField(_("标题"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=80, blank=True)
    issuing_office = models.CharField(_("发文机关"), max_length=120, blank=True)
    issued_date = models.DateField(_("印发日期"), null=True, blank=True)
    start_date = models.DateField(_("计划期开始"), null=True, blank=True)
    end_date = models.DateField(_("计划期结束"), null=True, blank=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("牵头单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="led_policies"
    )
    lead_unit_note = models.CharField(_("牵头单位依据"), max_length=300, blank=True)
    script = models.CharField(_("原文字体"), max_length=12, choices=Script.choices, default=Script.SIMPLIFIED)
    source_text = models.TextField(_("原文"), blank=True)
    units = models.ManyToManyField(Unit, verbose_name=_("涉及单位"), blank=True, related_name="policies")
    # Reporting calendar: what this policy wants when is data, not code.
    due_day = models.PositiveSmallIntegerField(_("报送截止日"), default=5)
    lock_day = models.PositiveSmallIntegerField(_("锁定日"), default=15)
    tolerance = models.DecimalField(_("黄灯容差（百分点）"), max_digits=5, decimal_places=2, default=10)
    reporting_active = models.BooleanField(_("启用月报"), default=True)
    # The 公文 frame of the 季通报 (reports.builders.tongbao): blank means "not known", printed
    # as a blank to fill in or derived (the issuer from the lead unit, 主送 from the units).
    bulletin_doc_prefix = models.CharField(
        _("通报文号代字"), max_length=30, blank=True, help_text=_("如“唐工信”，文号印作 唐工信〔2025〕12号")
    )
    bulletin_issuer = models.CharField(
        _("通报发文机关"), max_length=120, blank=True, help_text=_("留空：城市名加牵头单位，如 唐山市工业和信息化局")
    )
    bulletin_addressees = models.CharField(
        _("通报主送"),
        max_length=300,
        blank=True,
        help_text=_("留空：按责任单位生成，如 各县（市、区）人民政府，市直有关部门"),
    )
    bulletin_copies_to = models.CharField(_("通报抄送"), max_length=300, blank=True)
    bulletin_commend_top = models.BooleanField(_("通报表扬前三名"), default=False)
    bulletin_interview_bottom = models.BooleanField(_("约谈督办后三名"), default=False)
    bulletin_requirements = models.TextField(
        _("下步工作要求"), blank=True, help_text=_("留空：按红灯事项自动起草；每段一行")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["city__code", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28), name="policy_due_day_in_month"),
            models.CheckConstraint(condition=Q(lock_day__gte=1, lock_day__lte=28), name="policy_lock_day_in_month"),
            models.CheckConstraint(condition=Q(lock_day__gte=models.F("due_day")), name="policy_lock_after_due"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=models.F("end_date")),
                name="policy_period_ordered",
            ),
        ]

    def __str__(self):
        return self.title


class Section(models.Model):
    """A heading of the document (一、 / (一)); sections nest and keep document order."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级标题"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # The path of heading numbers ("二/一"): how a reloaded catalogue finds the same row.
    key = models.CharField(_("位置"), max_length=120)
    number = models.CharField(_("序号"), max_length=20, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    order = models.PositiveIntegerField(_("顺序"))
    depth = models.PositiveSmallIntegerField(_("层级"), default=0)

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["policy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "key"], name="section_unique_key"),
        ]

    def __str__(self):
        return f"{self.number}、{self.title}" if self.number else self.title


class Task(models.Model):
    """A numbered measure of the document (or a main-goal / safeguard paragraph)."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(Section, verbose_name=_("章节"), on_delete=models.CASCADE, related_name="tasks")
    # The section path and the task's number or title: stable across reloads of the catalogue.
    key = models.CharField(_("位置"), max_length=300)
    number = models.CharField(_("序号"), max_length=20, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("全文"), blank=True)
    order = models.PositiveIntegerField(_("顺序"))
    counties_implement = models.BooleanField(_("各县（市、区）落实"), default=False)
    no_unit_reason = models.CharField(_("未列责任单位的原因"), max_length=200, blank=True)
    units = models.ManyToManyField(Unit, through="Responsibility", verbose_name=_("责任单位"), related_name="tasks")

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["policy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "key"], name="task_unique_key"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}" if self.number else self.title


class Responsibility(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        CO = "co", _("配合")
        # A county made responsible by a clause such as "以下均需各县(市、区)政府…落实".
        IMPLEMENT = "implement", _("落实")

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="responsibilities")
    role = models.CharField(_("责任"), max_length=10, choices=Role.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["task", "role", "order"]
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="responsibility_unique_unit")]

    def __str__(self):
        return f"{self.unit}（{self.get_role_display()}）"


class IngestDraft(models.Model):
    """A document read by the ingest assistant, being corrected before it becomes a policy."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    data = models.JSONField(_("草稿"))  # one policy in the export shape of DESIGN.md
    policy = models.ForeignKey(
        Policy, verbose_name=_("已保存为"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("导入草稿")
        verbose_name_plural = _("导入草稿")
        ordering = ["-created_at"]

    def __str__(self):
        return self.data.get("title") or self.filename
