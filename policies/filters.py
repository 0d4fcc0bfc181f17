import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import City, Policy, Unit
from .scope import scope_for


def visible_cities(request):
    """The cities of the policies and units the user may see: another city is never named,
    not even in a filter's choices."""
    scope = scope_for(request.user)
    return City.objects.filter(Q(pk__in=scope.policies().values("city_id")) | Q(pk__in=scope.units().values("city_id")))


class PolicyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("标题包含"))
    city = django_filters.ModelChoiceFilter(queryset=visible_cities, label=_("城市"))

    class Meta:
        model = Policy
        fields = ["q", "city"]


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称包含"))
    city = django_filters.ModelChoiceFilter(queryset=visible_cities, label=_("城市"))
    kind = django_filters.ChoiceFilter(choices=Unit.Kind.choices, label=_("类型"))

    class Meta:
        model = Unit
        fields = ["q", "city", "kind"]
