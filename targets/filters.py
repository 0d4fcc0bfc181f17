import django_filters
from django.utils.translation import gettext_lazy as _

from policies.models import Unit

from .models import QUEUE_STATES
from .queue import unit_filter_for_state


class QueueFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        choices=list(QUEUE_STATES.items()), label=_("状态"), method="filter_state", empty_label="全部"
    )
    timeliness = django_filters.ChoiceFilter(
        choices=[("on_time", "按时"), ("late", "逾期"), ("none", "未报送")], label=_("报送"), empty_label="全部"
    )
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices, label=_("类型"), empty_label="全部")

    class Meta:
        model = Unit
        fields = ["state", "timeliness", "kind"]

    def filter_state(self, queryset, name, value):
        return unit_filter_for_state(queryset, value)
