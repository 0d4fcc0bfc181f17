"""The ingest assistant's pages for administrators: upload or paste a document, review the
draft beside the highlighted text, map unit names, save it as a policy that can be
reported on from next month."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from policies.models import City, IngestDraft, Policy, Unit
from policies.outline import highlight_quotes
from policies.scope import ScopedMixin

from . import services
from .ingest import IngestError, check_size, read_policy, text_from_bytes
from .ingest.review import apply_edits, tasks_of, unit_names
from .ingest.textio import MAX_DOCUMENT_MB

KINDS = Unit.Kind.choices


class AdminOnlyMixin(ScopedMixin):
    admin_only = True
    admin_only_message = _("只有管理员可以导入政策文件")


class IngestUploadView(AdminOnlyMixin, View):
    template_name = "catalogue/ingest_upload.html"

    def get(self, request):
        return render(
            request,
            self.template_name,
            {
                "cities": City.objects.all(),
                "drafts": IngestDraft.objects.select_related("policy")[:20],
                "max_mb": MAX_DOCUMENT_MB,
            },
        )

    def post(self, request):
        city_code = (request.POST.get("city") or "").strip().lower()
        context = {"cities": City.objects.all(), "form": request.POST, "max_mb": MAX_DOCUMENT_MB}
        if not city_code.replace("-", "").isalnum() or not city_code.isascii():
            context["error"] = _("城市代码只能用英文字母、数字和连字符，如 tangshan。")
            return render(request, self.template_name, context)
        upload = request.FILES.get("file")
        try:
            if upload is not None:
                check_size(upload.size)
                text = text_from_bytes(upload.read(), filename=upload.name)
                filename = upload.name
            else:
                text = request.POST.get("text") or ""
                filename = _("粘贴的文本")
            city = City.objects.filter(code=city_code).first()
            draft = read_policy(
                text,
                city_code=city_code,
                city_name=(request.POST.get("city_name") or (city.name if city else None)),
                title=request.POST.get("title") or None,
            )
        except IngestError as exc:
            context["error"] = str(exc)
            return render(request, self.template_name, context)
        saved = services.ingest_draft_create(by=request.user, filename=filename, data=draft)
        return redirect("catalogue:ingest_review", saved.pk)


class IngestReviewView(AdminOnlyMixin, View):
    template_name = "catalogue/ingest_review.html"

    def context(self, draft: IngestDraft, errors=()):
        data = draft.data
        city = City.objects.filter(code=data["city"]["code"]).first()
        existing = list(Unit.objects.filter(city=city).order_by("sort_order", "name")) if city else []
        names = unit_names(data)
        tasks = []
        quotes = []
        for i, task in enumerate(tasks_of(data)):
            rows = []
            for k, indicator in enumerate(task.get("indicators") or []):
                for m, target in enumerate(indicator.get("targets") or []):
                    anchor = f"{i}-{k}-{m}"
                    quotes.append((anchor, target["source_quote"], indicator["name"]))
                    rows.append(
                        {
                            "key": f"g{i}-{k}-{m}",
                            "ikey": f"g{i}-{k}",
                            "indicator": indicator,
                            "target": target,
                            "anchor": anchor,
                            "first": m == 0,
                        }
                    )
            tasks.append({"i": i, "task": task, "rows": rows})
        by_name = {u.name: u for u in existing}
        for u in existing:
            for alias in u.aliases:
                by_name.setdefault(alias, u)
        return {
            "draft": draft,
            "data": data,
            "tasks": tasks,
            "source_html": highlight_quotes(data.get("source_text") or "", quotes),
            "units": [{"n": n, "name": name, "match": by_name.get(name)} for n, name in enumerate(names)],
            "existing": existing,
            "kinds": KINDS,
            "errors": errors,
            "city_exists": city is not None,
            "versions": Policy.objects.filter(city=city) if city else Policy.objects.none(),
        }

    def get(self, request, pk):
        draft = get_object_or_404(IngestDraft, pk=pk)
        return render(request, self.template_name, self.context(draft))

    def unit_mapping(self, form, data: dict) -> dict[str, dict]:
        """The reviewer's choice for each unit name of the document: an existing unit of the
        city, or a new one of the chosen kind."""
        mapping = {}
        existing = {u.code: u for u in Unit.objects.filter(city__code=data["city"]["code"])}
        for n, name in enumerate(unit_names(data)):
            choice = form.get(f"u{n}-map", "")
            if choice.startswith("unit:") and choice[5:] in existing:
                unit = existing[choice[5:]]
                mapping[name] = {"name": unit.name, "kind": unit.kind, "code": unit.code}
            else:
                kind = form.get(f"u{n}-kind") or "bureau"
                mapping[name] = {"name": name, "kind": kind if kind in Unit.Kind.values else "bureau", "code": None}
        return mapping

    def post(self, request, pk):
        draft = get_object_or_404(IngestDraft, pk=pk)
        if draft.policy_id:
            messages.info(request, _("该草稿已保存为政策文件。"))
            return redirect("policies:policy_detail", draft.policy.code)
        data = copy.deepcopy(draft.data)
        errors = apply_edits(data, request.POST)
        if request.POST.get("action") != "save":
            services.ingest_draft_update(draft=draft, data=data)
            if errors:
                return render(request, self.template_name, self.context(draft, errors))
            messages.success(request, _("修改已保存到草稿。"))
            return redirect("catalogue:ingest_review", draft.pk)
        replaced = None
        if request.POST.get("version_of"):
            replaced = get_object_or_404(Policy, code=request.POST["version_of"], city__code=data["city"]["code"])
        outcome = services.ingest_draft_publish(
            draft=draft,
            data=data,
            mapping=self.unit_mapping(request.POST, data),
            replaced=replaced,
            confirmed=request.POST.get("confirmed") == "yes",
            errors=errors,
        )
        if outcome.changes is not None:
            context = self.context(draft, outcome.problems)
            context.update(changes=outcome.changes, version_of=replaced)
            return render(request, self.template_name, context)
        if outcome.policy is None:
            return render(request, self.template_name, self.context(draft, outcome.problems))
        if replaced is not None:
            messages.success(request, _("已更新“%(title)s”为新版本；已填报的数据保留。") % {"title": replaced.title})
        else:
            messages.success(request, _("已保存为政策文件“%(title)s”，下月起可以填报。") % {"title": data["title"]})
        return redirect(reverse("policies:policy_detail", args=[outcome.policy.code]))
