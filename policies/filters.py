import django_filters
from django.utils.translation import gettext_lazy as _

from .models import City, Policy, Unit


class PolicyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("标题包含"))
    city = django_filters.ModelChoiceFilter(queryset=City.objects.all(), label=_("城市"))

    class Meta:
        model = Policy
        fields = ["q", "city"]


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称包含"))
    city = django_filters.ModelChoiceFilter(queryset=City.objects.all(), label=_("城市"))
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices, label=_("类型"))

    class Meta:
        model = Unit
        fields = ["q", "city", "kind"]
