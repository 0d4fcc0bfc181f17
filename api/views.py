"""The web API: thin views over the scope, the selectors and the services the pages use.

Every queryset starts from ``scope_for(request.user)``: another unit's or city's object is
not found (404), as on the pages. Writes go through ``targets.services`` with the web
form's validation, messages and history; a write names the version it was made from
(``If-Match`` or ``version``) and a stale one changes nothing.
"""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.exporting import catalogue_export
from policies.models import Policy, Unit
from policies.scope import scope_for
from reports.models import ReportRun
from reports.views import RunDownloadView
from targets import calendar, services
from targets.models import MonthlyReport, Period, ReportEvent
from targets.views import ReportContext

from . import selectors
from . import serializers as s

# -- shared pieces ---------------------------------------------------------------------

API = ReportEvent.Source.API  # every change made here is kept in the report's history as 数据接口

ERROR = OpenApiResponse(s.ErrorSerializer)
COMMON_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 429: ERROR}
WRITE_ERRORS = {
    **COMMON_ERRORS,
    400: OpenApiResponse(s.ErrorSerializer, description="数据未通过校验：errors 按字段或指标代码列出原因"),
    409: OpenApiResponse(s.ConflictSerializer, description="版本已过期（version 字段），或月报状态不允许此操作"),
    412: OpenApiResponse(s.ConflictSerializer, description="版本已过期（If-Match 头）"),
    428: OpenApiResponse(s.ErrorSerializer, description="没有给出版本号"),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="读取时得到的 ETag（版本号）；过期返回412。也可在请求体中给出 version",
)
ETAG = OpenApiParameter("ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200], description="当前版本号")


class ScopedAPIView(APIView):
    """Reads `self.scope` once the request is authenticated."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.scope = scope_for(request.user)

    def valid(self, serializer_class) -> dict:
        """The request's JSON object, parsed by `serializer_class` (400 with the reasons)."""
        data = self.request.data if isinstance(self.request.data, dict) else {}
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def by_code(self, by_id: dict) -> dict:
        """Messages by indicator id, as the client names indicators."""
        return {str(k): v for k, v in by_id.items()}


class ScopedListView(ScopedAPIView, generics.ListAPIView):
    pass


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request, data: dict) -> int:
    """The version the client read: its If-Match (a stale one is 412) or the body's `version`
    (409). A write that names none is refused (428): it would overwrite whatever is there;
    so is `If-Match: *`, which names no version (-1 is never current)."""
    header = request.headers.get("If-Match")
    if header is not None:
        text = header.strip().removeprefix("W/").strip('"')
        return int(text) if text.isdigit() else -1
    if data.get("version") is not None:
        return data["version"]
    raise PreconditionRequired()


class PreconditionRequired(Exception):
    pass


def version_refusal(func):
    """The refusals every write shares, as responses: no version, a stale version, a move
    the report's state does not allow, a domain refusal."""

    @functools.wraps(func)
    def wrapper(self, request, *args, **kwargs):
        try:
            return func(self, request, *args, **kwargs)
        except PreconditionRequired:
            return Response(
                {"detail": _("请在 If-Match 头或 version 字段中给出读取时的版本号（尚无月报时为0）。")},
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        except services.StaleVersion as exc:
            via_header = request.headers.get("If-Match") is not None
            return Response(
                {
                    "detail": str(exc),
                    "current_version": exc.report.version,
                    "changes": [
                        {
                            "field": c.field,
                            "old": c.old,
                            "new": c.new,
                            "by": (c.created_by.get_full_name() or c.created_by.username) if c.created_by else "",
                            "at": c.created_at,
                            "version": c.version,
                        }
                        for c in exc.changes
                    ],
                },
                status=status.HTTP_412_PRECONDITION_FAILED if via_header else status.HTTP_409_CONFLICT,
                headers={"ETag": etag(exc.report.version)},
            )
        except services.ReportInvalid as exc:
            return Response(
                {"detail": str(exc), "errors": self.by_code(exc.errors)}, status=status.HTTP_400_BAD_REQUEST
            )
        except (services.IllegalTransition, services.ReportLocked) as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        except services.ReportError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)

    return wrapper


# -- the catalogue -----------------------------------------------------------------------


@extend_schema(tags=["政策文件"], responses={200: s.PolicySerializer(many=True), **COMMON_ERRORS})
class PolicyListView(ScopedListView):
    """The policies the user may read."""

    serializer_class = s.PolicySerializer

    def get_queryset(self):
        return self.scope.policies().select_related("city", "lead_unit").order_by("city__code", "code")


class PolicyDetailView(ScopedAPIView):
    @extend_schema(tags=["政策文件"], responses={200: s.PolicyDetailSerializer, **COMMON_ERRORS})
    def get(self, request, code):
        """One policy with its sections, tasks, indicators and targets, in the JSON of
        `manage.py export_policies`."""
        policy = get_object_or_404(self.scope.policies(), code=code)
        data = catalogue_export(Policy.objects.filter(pk=policy.pk))["policies"][0]
        return Response(s.PolicyDetailSerializer(data).data)


@extend_schema(
    tags=["填报单位与报告期"],
    parameters=[OpenApiParameter("policy", OpenApiTypes.STR, description="只列出填报该政策文件的单位（政策代码）")],
    responses={200: s.UnitSerializer(many=True), **COMMON_ERRORS},
)
class UnitListView(ScopedListView):
    """The units the user may read."""

    serializer_class = s.UnitSerializer

    def get_queryset(self):
        units = self.scope.units().select_related("city").order_by("city__code", "sort_order", "code")
        code = self.request.query_params.get("policy")
        if code:
            policy = get_object_or_404(self.scope.policies(), code=code)
            units = units.filter(pk__in=Unit.objects.reporting_for(policy).values("pk"))
        return units


@extend_schema(tags=["填报单位与报告期"], responses={200: s.PeriodSerializer(many=True), **COMMON_ERRORS})
class PeriodListView(ScopedListView):
    """Every reporting month the portal knows, newest first."""

    serializer_class = s.PeriodSerializer
    queryset = Period.objects.order_by("-year", "-month")


class PolicyPeriodsView(ScopedAPIView):
    @extend_schema(tags=["填报单位与报告期"], responses={200: s.PeriodStateSerializer(many=True), **COMMON_ERRORS})
    def get(self, request, code):
        """The months a policy has asked for so far: due date, lock date, open or locked."""
        policy = get_object_or_404(self.scope.policies(), code=code)
        rows = selectors.policy_periods(policy, timezone.localdate())
        return Response(s.PeriodStateSerializer(rows, many=True).data)


# -- reports -------------------------------------------------------------------------------


@extend_schema(
    tags=["月报"],
    parameters=[
        OpenApiParameter("policy", OpenApiTypes.STR, description="政策代码"),
        OpenApiParameter("unit", OpenApiTypes.STR, description="单位代码"),
        OpenApiParameter("month", OpenApiTypes.STR, description="报告期 YYYY-MM"),
        OpenApiParameter("state", OpenApiTypes.STR, enum=MonthlyReport.State.values),
    ],
    responses={200: s.ReportSerializer(many=True), **COMMON_ERRORS},
)
class ReportListView(ScopedListView):
    """The monthly reports the user may read, with their figures and states."""

    serializer_class = s.ReportSerializer

    def get_queryset(self):
        params = self.request.query_params
        reports = (
            MonthlyReport.objects.visible_to(self.scope)
            .with_listing()
            .prefetch_related("values__indicator")
            .order_by("-period__ordinal", "policy__code", "unit__sort_order", "pk")
        )
        if params.get("policy"):
            reports = reports.filter(policy__code=params["policy"])
        if params.get("unit"):
            reports = reports.filter(unit__code=params["unit"])
        if params.get("month"):
            month = calendar.parse_month(params["month"])
            if month is None:
                raise serializers.ValidationError({"month": [_("报告期格式应为 YYYY-MM")]})
            reports = reports.filter(period__year=month[0], period__month=month[1])
        if params.get("state"):
            reports = reports.filter(state=params["state"])
        return reports


class ReportDetailView(ScopedAPIView):
    @extend_schema(tags=["月报"], responses={200: s.ReportSerializer, **COMMON_ERRORS})
    def get(self, request, pk):
        """One monthly report; its version is also its ETag."""
        report = get_object_or_404(
            MonthlyReport.objects.visible_to(self.scope).with_listing().prefetch_related("values__indicator"), pk=pk
        )
        return Response(s.ReportSerializer(report).data, headers={"ETag": etag(report.version)})


class MonthEntryView(ScopedAPIView):
    """A unit's month under a policy: what the entry page shows and saves."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.ctx = ReportContext(request, kwargs["policy"], kwargs["unit"], kwargs["month"])
        self.indicators = {i.code: i for i in services.assigned_indicators(self.ctx.policy, self.ctx.unit)}

    def by_code(self, by_id: dict) -> dict:
        codes = {i.pk: code for code, i in self.indicators.items()}
        return {codes.get(pk, str(pk)): [str(m) for m in messages] for pk, messages in by_id.items()}

    def entry(self, report, errors=None, warnings=None) -> Response:
        ctx = self.ctx
        if report is not None:
            report = MonthlyReport.objects.with_listing().prefetch_related("values__indicator").get(pk=report.pk)
        locked = bool(report) and services.is_locked_for(report, timezone.localdate())
        data = {
            "policy": ctx.policy.code,
            "unit": ctx.unit.code,
            "month": ctx.period.label,
            "version": report.version if report else 0,
            "editable": ctx.can_enter and not locked and (report is None or report.state in services.EDITABLE),
            "locked": locked,
            "due_date": ctx.due_date,
            "indicators": list(self.indicators),
            "report": report,
            "errors": self.by_code(errors or {}),
            "warnings": self.by_code(warnings or {}),
        }
        return Response(s.MonthEntrySerializer(data).data, headers={"ETag": etag(data["version"])})

    def must_enter(self):
        if not self.ctx.can_enter:
            raise PermissionDenied(_("您不是该单位的填报员"))

    @extend_schema(tags=["填报"], parameters=[ETAG], responses={200: s.MonthEntrySerializer, **COMMON_ERRORS})
    def get(self, request, **kwargs):
        """The month's report (version 0 while there is none) and the indicators to fill."""
        return self.entry(self.ctx.report)

    @extend_schema(
        tags=["填报"],
        parameters=[IF_MATCH, ETAG],
        request=s.MonthEntryWriteSerializer,
        responses={200: s.MonthEntrySerializer, **WRITE_ERRORS},
    )
    @version_refusal
    def put(self, request, **kwargs):
        """Save the month's draft as the entry page does: the figures that parse are stored,
        the others kept as typed and listed in `errors`; outliers are listed in `warnings`.
        Only the fields given change."""
        self.must_enter()
        data = self.valid(s.MonthEntryWriteSerializer)
        version = expected_version(request, data)
        values, notes = self.figures(data)
        texts = {name: data[name] for name in services.TEXT_FIELDS if name in data}
        result = services.report_entry_save(
            policy=self.ctx.policy,
            unit=self.ctx.unit,
            period=self.ctx.period,
            by=request.user,
            version=version,
            values=values,
            notes=notes,
            texts=texts,
            source=API,
        )
        return self.entry(result.report, result.errors, result.warnings)

    def figures(self, data) -> tuple[dict, dict]:
        given = {**data.get("values", {})}
        notes = data.get("notes", {})
        unknown = sorted((set(given) | set(notes)) - set(self.indicators))
        if unknown:
            raise services.ReportError(_("以下指标不属于本单位的填报范围：%s") % "、".join(unknown))
        existing = {v.indicator_id: v for v in self.ctx.report.values.all()} if self.ctx.report else {}
        for code in notes:
            # A note alone keeps the figure already saved (the service saves notes with figures).
            if code not in given:
                row = existing.get(self.indicators[code].pk)
                given[code] = (
                    "" if row is None else (f"{row.value.normalize():f}" if row.value is not None else row.raw_text)
                )
        values = {self.indicators[code].pk: raw for code, raw in given.items()}
        return values, {self.indicators[code].pk: note for code, note in notes.items()}


class MonthSubmitView(MonthEntryView):
    @extend_schema(
        tags=["填报"],
        parameters=[IF_MATCH, ETAG],
        request=s.VersionSerializer,
        responses={200: s.MonthEntrySerializer, **WRITE_ERRORS},
    )
    @version_refusal
    def post(self, request, **kwargs):
        """Submit the month for review: every indicator filled with a valid number and every
        warning explained, or 400 with the reasons by indicator code (nothing changes)."""
        self.must_enter()
        data = self.valid(s.VersionSerializer)
        version = expected_version(request, data)
        result = services.report_entry_save(
            policy=self.ctx.policy,
            unit=self.ctx.unit,
            period=self.ctx.period,
            by=request.user,
            version=version,
            values={},
            notes={},
            texts={},
            submit=True,
            source=API,
        )
        return self.entry(result.report)

    http_method_names = ["post", "options"]


class ReviewView(ScopedAPIView):
    """A reviewer's judgement on a submitted report, through the review page's services."""

    def load(self, pk) -> MonthlyReport:
        report = get_object_or_404(
            MonthlyReport.objects.visible_to(self.scope).select_related("policy", "unit", "period"), pk=pk
        )
        if not self.scope.can_review(report.policy_id):
            raise PermissionDenied(_("只有该政策文件的审核员可以审核"))
        return report

    def done(self, report) -> Response:
        report = MonthlyReport.objects.with_listing().prefetch_related("values__indicator").get(pk=report.pk)
        return Response(s.ReportSerializer(report).data, headers={"ETag": etag(report.version)})


class ReportApproveView(ReviewView):
    @extend_schema(
        tags=["审核"],
        parameters=[IF_MATCH, ETAG],
        request=s.VersionSerializer,
        responses={200: s.ReportSerializer, **WRITE_ERRORS},
    )
    @version_refusal
    def post(self, request, pk):
        """Approve a submitted report: its figures count from now on. The version is optional
        here; when given (If-Match or `version`), a report changed since is refused."""
        report = self.load(pk)
        data = self.valid(s.VersionSerializer)
        version = optional_version(request, data)
        return self.done(services.report_approve(report=report, by=request.user, version=version, source=API))


class ReportReturnView(ReviewView):
    @extend_schema(
        tags=["审核"],
        parameters=[IF_MATCH, ETAG],
        request=s.ReturnSerializer,
        responses={200: s.ReportSerializer, **WRITE_ERRORS},
    )
    @version_refusal
    def post(self, request, pk):
        """Return a report to its unit with a reason (the reporter sees it)."""
        report = self.load(pk)
        data = self.valid(s.ReturnSerializer)
        version = optional_version(request, data)
        return self.done(
            services.report_return(report=report, by=request.user, reason=data["reason"], version=version, source=API)
        )


def optional_version(request, data) -> int | None:
    try:
        return expected_version(request, data)
    except PreconditionRequired:
        return None


# -- evaluation and archive -----------------------------------------------------------------


class PolicyEvaluationView(ScopedAPIView):
    @extend_schema(
        tags=["完成情况"],
        parameters=[OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM，默认与仪表盘相同")],
        responses={200: s.EvaluationSerializer, **COMMON_ERRORS},
    )
    def get(self, request, code):
        """The policy at the end of a month, as its dashboard shows it: per indicator A, P, C
        and the light; per unit the score and its rank in its class."""
        policy = get_object_or_404(self.scope.overseen_policies().select_related("city"), code=code)
        try:
            at = selectors.evaluation_month(policy, request.query_params.get("month"), timezone.localdate())
        except selectors.MonthOutsidePlan as exc:
            raise serializers.ValidationError({"month": [str(exc)]}) from None
        return Response(s.EvaluationSerializer(selectors.policy_evaluation(policy, at)).data)


class PolicyRunsView(ScopedAPIView):
    @extend_schema(
        tags=["月调度与季通报"],
        parameters=[OpenApiParameter("issued", OpenApiTypes.BOOL, description="true：只列出已印发的版本")],
        responses={200: s.RunSerializer(many=True), **COMMON_ERRORS},
    )
    def get(self, request, code):
        """Every dispatch and bulletin run of a policy (or only the issued ones), newest first,
        with its download link."""
        policy = get_object_or_404(self.scope.overseen_policies(), code=code)
        runs = ReportRun.objects.filter(policy=policy).select_related("policy").order_by("-requested_at", "-id")
        if request.query_params.get("issued") == "true":
            runs = runs.filter(issued_at__isnull=False)
        return Response(s.RunSerializer(runs, many=True, context={"request": request}).data)


class FileRenderer(BaseRenderer):
    """The archived workbooks and documents, as the run's download serves them."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class DocxRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    format = "docx"


class RunDownloadApiView(ScopedAPIView):
    # JSON first: a refusal is JSON; the file itself is the archive view's own response.
    renderer_classes = [JSONRenderer, FileRenderer, DocxRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        # A refusal is JSON whatever the client accepts; the file is the archive view's own.
        if isinstance(response, Response):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        tags=["月调度与季通报"],
        responses={
            (200, FileRenderer.media_type): OpenApiTypes.BINARY,
            (200, DocxRenderer.media_type): OpenApiTypes.BINARY,
            **{(code, "application/json"): ERROR for code in COMMON_ERRORS},
        },
    )
    def get(self, request, pk):
        """The run's file, served by the archive page's own download (same scope, same file);
        DRF has already set the token's user on the Django request that view reads."""
        return RunDownloadView.as_view()(request._request, pk=pk)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
@throttle_classes([])
def not_found(request, *args, **kwargs):
    raise exceptions.NotFound(_("没有这个接口。"))
