"""The administrator's forms: a role for a user, a policy's reporting calendar. Every unit
and policy is named with its city, so two 发展和改革局 of different cities are told apart."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from policies.models import City, Membership, Policy, Unit


class _WithCity(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.city.name} · {obj}"


class _User(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full = obj.get_full_name()
        return f"{obj.username}（{full}）" if full else obj.username


class _CityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.province} · {obj.name}" if obj.province else obj.name


class MembershipCreateForm(forms.Form):
    user = _User(label=_("用户账号"), queryset=get_user_model().objects.filter(is_active=True).order_by("username"))
    role = forms.ChoiceField(label=_("角色"), choices=Membership.Role.choices)
    unit = _WithCity(
        label=_("单位（填报员）"), required=False, queryset=Unit.objects.filter(is_active=True).select_related("city")
    )
    policy = _WithCity(
        label=_("政策文件（审核员）"),
        required=False,
        queryset=Policy.objects.select_related("city").order_by("city__code"),
    )
    city = _CityChoice(
        label=_("城市（领导；留空为全部城市）"), required=False, queryset=City.objects.order_by("province", "code")
    )


class PolicyCalendarForm(forms.Form):
    """Plain fields: the rules (1—28, lock after due, tolerance 0—100) are the service's."""

    due_day = forms.CharField(label=_("报送截止日"), help_text=_("每月几日前报送上月数据（1—28）"))
    lock_day = forms.CharField(label=_("锁定日"), help_text=_("每月几日锁定上月报告（1—28，不早于截止日）"))
    tolerance = forms.CharField(label=_("黄灯容差（百分点）"), help_text=_("完成率低于时序进度不超过该值为黄灯"))
    reporting_active = forms.BooleanField(
        label=_("启用月报"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
