import datetime as dt

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policies.models import Unit
from targets.models import Indicator

from .models import Problem


class ProblemFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Problem.State.choices, label=_("状态"), empty_label=_("全部"))
    assignee = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.none(), label=_("承办单位"), empty_label=_("全部")
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", _("超期")), ("no", _("未超期"))],
        label=_("超期"),
        method="filter_overdue",
        empty_label=_("全部"),
    )
    indicator = django_filters.ModelChoiceFilter(
        queryset=Indicator.objects.none(), label=_("相关指标"), empty_label=_("全部")
    )
    q = django_filters.CharFilter(label=_("关键词"), method="filter_text")

    class Meta:
        model = Problem
        fields = ["state", "assignee", "overdue", "indicator", "q"]

    def __init__(self, *args, policy, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.filters["assignee"].queryset = Unit.objects.filter(assigned_problems__policy=policy).distinct()
        self.filters["indicator"].queryset = Indicator.objects.filter(policy=policy)
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = (
                "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            )

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(self.today)
        return overdue if value == "yes" else queryset.exclude(pk__in=overdue.values("pk"))

    def filter_text(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value) | Q(firm_name__icontains=value))
