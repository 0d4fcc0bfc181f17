"""What the API reads and writes. The policy serializers describe the catalogue export's
JSON (catalogue.exporting.catalogue_export), which they render as it is; the evaluation
serializers render reports.dashboard's numbers; the input serializers only parse."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from policies.models import Policy, Unit
from reports.models import ReportRun
from targets.models import MonthlyReport, Period


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.Field):
    """A number as the export writes it (an integer stays an integer)."""

    def to_representation(self, value):
        return value


# -- the catalogue (the export JSON's shape) -------------------------------------------


class ExportMilestoneSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    value = NumberField()


class ExportTargetSerializer(serializers.Serializer):
    value = NumberField()
    value_max = NumberField(allow_null=True)
    comparison = serializers.ChoiceField(choices=["at_least", "at_most", "range"])
    window = serializers.ChoiceField(choices=["annual", "plan", "date"])
    year = serializers.IntegerField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    deadline_inferred = serializers.BooleanField()
    baseline = NumberField(allow_null=True)
    baseline_date = serializers.DateField(allow_null=True)
    applies_to = serializers.ChoiceField(choices=["total", "each"])
    milestones = ExportMilestoneSerializer(many=True)
    source_quote = serializers.CharField()


class ExportIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(help_text="计量单位")
    measure = serializers.ChoiceField(choices=["level", "flow"])
    rollup = serializers.ChoiceField(choices=["sum", "single"])
    direction = serializers.ChoiceField(choices=["up", "down"])
    concept = serializers.CharField(allow_null=True)
    growth_rate = serializers.BooleanField()
    reporters = serializers.ListField(child=serializers.CharField(), allow_null=True)
    targets = ExportTargetSerializer(many=True)


class ExportTaskSerializer(serializers.Serializer):
    number = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    lead_units = serializers.ListField(child=serializers.CharField())
    co_units = serializers.ListField(child=serializers.CharField())
    counties_implement = serializers.BooleanField()
    no_unit_reason = serializers.CharField(allow_null=True)
    indicators = ExportIndicatorSerializer(many=True)


class ExportSectionSerializer(serializers.Serializer):
    number = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_blank=True)
    tasks = ExportTaskSerializer(many=True)

    def get_fields(self):
        # A section holds sections: the field is made when asked for, not at class creation.
        fields = super().get_fields()
        fields["sections"] = ExportSectionSerializer(many=True)
        return fields


class ExportCitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    province = serializers.CharField(allow_null=True)


class ExportPlanSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)


class ExportReportingSerializer(serializers.Serializer):
    due_day = serializers.IntegerField()
    lock_day = serializers.IntegerField()
    tolerance = NumberField()


class ExportUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class PolicyDetailSerializer(serializers.Serializer):
    """One policy as `export_policies` writes it."""

    code = serializers.CharField()
    city = ExportCitySerializer()
    title = serializers.CharField()
    doc_number = serializers.CharField(allow_null=True)
    issuing_office = serializers.CharField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    period = ExportPlanSerializer()
    lead_unit = serializers.CharField(allow_null=True)
    reporting = ExportReportingSerializer()
    units = ExportUnitSerializer(many=True)
    sections = ExportSectionSerializer(many=True)


class PolicySerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="city.code")
    city_name = serializers.CharField(source="city.name")
    lead_unit = serializers.CharField(source="lead_unit.name", allow_null=True, default=None)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = ["code", "title", "city", "city_name", "doc_number", "start_date", "end_date", "lead_unit", "url"]

    def get_url(self, policy) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:policy_detail", args=[policy.code]))


# -- units and periods ---------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    city = serializers.CharField(source="city.code")
    kind_label = serializers.CharField(source="get_kind_display")
    ranking_class = serializers.SerializerMethodField(help_text="排名分组：县(市、区)或市直部门")

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "kind_label", "city", "ranking_class"]

    def get_ranking_class(self, unit) -> str:
        from reports import metrics

        return str(metrics.CLASS_LABELS[metrics.class_of(unit.is_division)])


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(help_text="YYYY-MM")

    class Meta:
        model = Period
        fields = ["label", "year", "month", "start_date", "end_date"]


class PeriodStateSerializer(serializers.Serializer):
    """A month of a policy's reporting calendar."""

    label = serializers.CharField(help_text="YYYY-MM")
    due_date = serializers.DateField()
    lock_date = serializers.DateField()
    opened_at = serializers.DateTimeField(allow_null=True)
    locked_at = serializers.DateTimeField(allow_null=True)
    locked = serializers.BooleanField()


# -- reports ---------------------------------------------------------------------------


class ReportValueSerializer(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.code")
    indicator_name = serializers.CharField(source="indicator.name")
    unit_of_measure = serializers.CharField(source="indicator.unit_of_measure")
    value = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    raw_text = serializers.CharField(allow_blank=True, help_text="不是数字时保留的原始输入")
    note = serializers.CharField(allow_blank=True)


class ReportSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(source="policy.code")
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    month = serializers.CharField(source="period.label", help_text="YYYY-MM")
    state_label = serializers.CharField(source="get_state_display")
    values = ReportValueSerializer(many=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "policy",
            "unit",
            "unit_name",
            "month",
            "state",
            "state_label",
            "version",
            "progress_text",
            "problems_text",
            "next_steps_text",
            "return_reason",
            "first_submitted_at",
            "submitted_at",
            "reviewed_at",
            "updated_at",
            "values",
        ]


class MonthEntrySerializer(serializers.Serializer):
    """A unit's month as the entry page holds it: the report, or none yet (version 0)."""

    policy = serializers.CharField()
    unit = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM")
    version = serializers.IntegerField(help_text="乐观并发版本号；尚无月报时为0。也作为ETag返回。")
    editable = serializers.BooleanField()
    locked = serializers.BooleanField()
    due_date = serializers.DateField()
    indicators = serializers.ListField(child=serializers.CharField(), help_text="本单位需填报的指标代码")
    report = ReportSerializer(allow_null=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="按指标代码：未通过校验的原因"
    )
    warnings = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="按指标代码：需说明的异常提示"
    )


class MonthEntryWriteSerializer(serializers.Serializer):
    """A draft's figures, notes and narrative; what is left out is left as it was."""

    version = serializers.IntegerField(
        required=False, min_value=0, help_text="读取时的版本号（或用 If-Match 头）；过期的版本返回409"
    )
    values = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=100),
        required=False,
        help_text="指标代码 → 本月数值（增量填当月数，存量填月末数）",
    )
    notes = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=300), required=False, help_text="指标代码 → 说明"
    )
    progress_text = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    problems_text = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    next_steps_text = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=0, help_text="读取时的版本号（或用 If-Match 头）；过期的版本返回409"
    )


class ReturnSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, help_text="退回原因，填报员会看到")


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)
    by = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()
    version = serializers.IntegerField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField(required=False, help_text="版本已过期时：当前版本号")
    changes = ChangeSerializer(many=True, required=False, help_text="版本已过期时：此后的修改")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(required=False, help_text="按字段（或指标代码）列出的原因")


# -- evaluation ------------------------------------------------------------------------


class EvaluatedIndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit_of_measure = serializers.CharField()
    section = serializers.CharField()
    task = serializers.CharField()
    target = serializers.CharField(help_text="目标的表述（含折算、分年度目标等说明）")
    target_value = NumberField(allow_null=True, help_text="评价所依据的目标值")
    actual = NumberField(allow_null=True, help_text="A：实际完成")
    progress = serializers.FloatField(allow_null=True, help_text="P：时序进度（1.0 = 100%）")
    completion = serializers.FloatField(allow_null=True, help_text="C：完成率（1.0 = 100%）")
    gap = serializers.FloatField(allow_null=True, help_text="C − P")
    light = serializers.ChoiceField(choices=["green", "yellow", "red", "grey"])
    light_label = serializers.CharField()
    met = serializers.BooleanField()
    baseline = NumberField(allow_null=True)
    month_value = NumberField(allow_null=True, help_text="全市本月数")
    note = serializers.CharField(allow_blank=True)


class StandingSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    ranking_class = serializers.CharField()
    score = serializers.FloatField(allow_null=True, help_text="得分：计分指标 min(C/P, 1.2) 的平均 × 100")
    rank = serializers.IntegerField(allow_null=True, help_text="在本组中的名次；不足排名条件时为空")
    change = serializers.IntegerField(allow_null=True, help_text="较上月名次的变化，上升为正")
    on_time_rate = serializers.FloatField(allow_null=True)
    scored = serializers.IntegerField(help_text="得分所依据的指标数")


class ReportCountsSerializer(serializers.Serializer):
    expected = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()


class LightCountsSerializer(serializers.Serializer):
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    grey = serializers.IntegerField()


class EvaluationSerializer(serializers.Serializer):
    policy = serializers.CharField()
    month = serializers.CharField(help_text="YYYY-MM：评价截至该月末")
    tolerance = serializers.FloatField(help_text="黄灯容差（百分点）")
    lights = LightCountsSerializer()
    reports = ReportCountsSerializer()
    indicators = EvaluatedIndicatorSerializer(many=True)
    ranking = StandingSerializer(many=True)


# -- the archive -----------------------------------------------------------------------


class RunSerializer(serializers.ModelSerializer):
    policy = serializers.CharField(source="policy.code")
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    download_url = serializers.SerializerMethodField(help_text="已完成时的下载地址")

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "policy",
            "kind",
            "kind_label",
            "period_label",
            "version",
            "status",
            "status_label",
            "cutoff_at",
            "requested_at",
            "finished_at",
            "issued_at",
            "checksum",
            "download_url",
        ]

    def get_download_url(self, run) -> str | None:
        if run.status != ReportRun.Status.DONE or not run.file:
            return None
        return self.context["request"].build_absolute_uri(reverse("api:run_download", args=[run.pk]))
