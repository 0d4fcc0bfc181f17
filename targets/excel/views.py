"""Download a pre-filled template, upload it back, preview every change, confirm to save.

A unit's template holds one sheet; a reviewer's holds one sheet per unit of the policy.
Nothing is saved until the preview is confirmed, and a bad file changes nothing.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from policies.models import Unit
from policies.scope import ScopedMixin

from .. import services
from ..completeness import due_date_of
from ..entry import entry_rows
from ..models import MonthlyReport, Period
from ..views import ReportContext, parse_month, report_url
from .workbook import ExcelRejected, Identity, build_template, preview, read_upload

SESSION_KEY = "excel_upload"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_spec(policy, unit, period, report, due=None) -> dict:
    due = due or due_date_of(policy, period.year, period.month)
    return {
        "name": unit.name,
        "identity": Identity(policy.code, unit.code, period.label),
        "title": f"{policy.title} · {period.year}年{period.month}月报告",
        "unit_name": unit.name,
        "period_text": str(period),
        "due_text": f"{due.month}月{due.day}日",
        "groups": entry_rows(policy=policy, unit=unit, period=period, report=report),
        "texts": {name: getattr(report, name) for name in services.TEXT_FIELDS} if report else {},
    }


def _download(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class TemplateDownloadView(ScopedMixin, View):
    def get(self, request, policy, unit, month):
        ctx = ReportContext(request, policy, unit, month)
        data = build_template([_sheet_spec(ctx.policy, ctx.unit, ctx.period, ctx.report)])
        return _download(data, f"{ctx.unit.name}-{ctx.period.label}-月报模板.xlsx")


class PolicyTemplateDownloadView(ScopedMixin, View):
    """The reviewer's workbook: one sheet per reporting unit of the policy."""

    def get(self, request, policy, month):
        scope = self.scope
        policy = get_object_or_404(scope.overseen_policies(), code=policy)
        if not scope.can_review(policy.pk):
            raise PermissionDenied("只有审核员可以下载全部单位的模板")
        year, month_no = parse_month(month)
        period = Period.objects.of_month(year, month_no)
        units = Unit.objects.reporting_for(policy)
        reports = {
            r.unit_id: r
            for r in MonthlyReport.objects.filter(policy=policy, period__ordinal=period.ordinal).prefetch_related(
                "values"
            )
        }
        due = due_date_of(policy, year, month_no)
        specs = [_sheet_spec(policy, u, period, reports.get(u.pk), due) for u in units.order_by("sort_order", "name")]
        return _download(build_template(specs), f"{policy.city.name}-{period.label}-全部单位月报.xlsx")


class UploadView(ScopedMixin, View):
    """Upload (unit or reviewer workbook) → preview → confirm."""

    template_name = "targets/excel_upload.html"

    def setup_target(self, request, policy, unit, month):
        if unit:
            ctx = ReportContext(request, policy, unit, month)
            self.policy, self.period, self.back = ctx.policy, ctx.period, request.path.replace("upload/", "")
            self.units = {ctx.unit.code: ctx.unit} if ctx.can_enter or self.scope.can_review(ctx.policy.pk) else {}
        else:
            self.policy = get_object_or_404(self.scope.overseen_policies(), code=policy)
            year, month_no = parse_month(month)
            self.period = Period.objects.of_month(year, month_no)
            self.back = f"/targets/review/{self.policy.code}/?month={self.period.label}"
            allowed = Unit.objects.reporting_for(self.policy)
            self.units = {u.code: u for u in allowed} if self.scope.can_review(self.policy.pk) else {}
        if not self.units:
            raise PermissionDenied("您不能为该单位填报")

    def get(self, request, policy, month, unit=None):
        self.setup_target(request, policy, unit, month)
        return render(request, self.template_name, self.context())

    def context(self, **extra):
        return {"policy": self.policy, "period": self.period, "units": self.units, "back": self.back, **extra}

    def post(self, request, policy, month, unit=None):
        self.setup_target(request, policy, unit, month)
        if request.POST.get("action") == "confirm":
            return self.confirm(request)
        upload = request.FILES.get("file")
        if upload is None:
            return render(request, self.template_name, self.context(rejected="请选择要上传的文件。"))
        data = upload.read(5 * 1024 * 1024 + 1)
        try:
            sheets = read_upload(upload.name, data)
            plan = self.plan(sheets)
        except ExcelRejected as exc:
            return render(request, self.template_name, self.context(rejected=str(exc), filename=upload.name))
        request.session[SESSION_KEY] = {
            "policy": self.policy.code,
            "period": self.period.label,
            "checksum": hashlib.sha256(data).hexdigest(),
            "filename": upload.name,
            "units": [
                {
                    "unit": p["unit"].code,
                    "version": p["version"],
                    "values": p["values"],
                    "notes": p["notes"],
                    "texts": p["texts"],
                    "loaded": p["loaded"],
                }
                for p in plan
            ],
        }
        blocking = any(c.errors for p in plan for c in p["changes"])
        warnings = [w for p in plan for w in p["sheet_warnings"]]
        return render(
            request,
            self.template_name,
            self.context(plan=plan, blocking=blocking, filename=upload.name, file_warnings=warnings),
        )

    def plan(self, sheets) -> list[dict]:
        """Match each sheet to its report and compute the changes; refuse a foreign sheet."""
        plan = []
        for sheet in sheets:
            ident = sheet.identity
            if ident.policy != self.policy.code or ident.period != self.period.label:
                raise ExcelRejected(
                    f"该文件是“{ident.policy}”{ident.period}的模板，不能上传到{self.policy.title}{self.period.label}。"
                )
            unit = self.units.get(ident.unit)
            if unit is None:
                raise ExcelRejected(f"工作表“{sheet.sheet}”属于其他单位（{ident.unit}），不能在这里上传。")
            report = MonthlyReport.objects.filter(
                policy=self.policy, unit=unit, period__ordinal=self.period.ordinal
            ).first()
            rows = [
                r for g in entry_rows(policy=self.policy, unit=unit, period=self.period, report=report) for r in g.rows
            ]
            changes, values, notes = preview(sheet, rows)
            text_changes = [
                (services.TEXT_FIELDS[name], getattr(report, name, "") if report else "", text)
                for name, text in sheet.texts.items()
                if text != (getattr(report, name, "") if report else "")
            ]
            plan.append(
                {
                    "unit": unit,
                    "report": report,
                    "version": report.version if report else 0,
                    "changes": changes,
                    "text_changes": text_changes,
                    "values": {str(k): v for k, v in values.items()},
                    "notes": {str(k): v for k, v in notes.items()},
                    "texts": sheet.texts,
                    # What was saved when the preview was made: only the figures the file
                    # changes from it are written, on top of a colleague's save in between.
                    "loaded": {
                        "values": {str(r.indicator.pk): r.typed for r in rows},
                        "notes": {str(r.indicator.pk): r.value.note if r.value else "" for r in rows},
                        "texts": {name: getattr(report, name, "") if report else "" for name in services.TEXT_FIELDS},
                    },
                    "sheet_warnings": sheet.warnings,
                    "editable": report is None or report.state in services.EDITABLE,
                }
            )
        return plan

    def confirm(self, request):
        pending = request.session.get(SESSION_KEY)
        if not pending or pending["policy"] != self.policy.code or pending["period"] != self.period.label:
            messages.error(request, "上传已过期，请重新上传文件。")
            return redirect(request.path)
        try:
            saved = services.excel_upload_apply(
                policy=self.policy, period=self.period, by=request.user, units=self.units, items=pending["units"]
            )
        except services.FieldConflict as exc:
            both = "；".join(f"{c.label}（文件 {c.mine or '空'}，{c.by} {c.theirs or '空'}）" for c in exc.conflicts)
            messages.error(
                request, f"未保存任何内容：同事在您上传后修改了相同的数据：{both}。请重新下载模板核对后上传。"
            )
            return redirect(request.path)
        except services.StaleVersion as exc:
            messages.error(request, f"{exc} 请重新上传以查看最新差异。")
            return redirect(request.path)
        except services.ReportError as exc:
            messages.error(request, f"未保存任何内容：{exc}")
            return redirect(request.path)
        del request.session[SESSION_KEY]
        messages.success(request, f"已从 Excel 保存 {saved} 处修改（文件 {pending['filename']}）。")
        if len(pending["units"]) == 1:
            report = MonthlyReport.objects.get(
                policy=self.policy, unit__code=pending["units"][0]["unit"], period__ordinal=self.period.ordinal
            )
            return redirect(report_url(report))
        return redirect(self.back)
