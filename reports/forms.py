"""The reviewer's settings of the 通报's 公文 frame, and the 文号 and date it is issued with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from policies.models import Policy

from .services import LETTER_FIELDS


class BulletinLetterForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = LETTER_FIELDS
        widgets = {
            "bulletin_doc_prefix": forms.TextInput(attrs={"class": "form-control", "placeholder": "唐工信"}),
            "bulletin_issuer": forms.TextInput(attrs={"class": "form-control"}),
            "bulletin_addressees": forms.TextInput(attrs={"class": "form-control"}),
            "bulletin_copies_to": forms.TextInput(attrs={"class": "form-control"}),
            "bulletin_commend_top": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "bulletin_interview_bottom": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "bulletin_requirements": forms.Textarea(attrs={"class": "form-control", "rows": 4}),
        }


class IssueForm(forms.Form):
    doc_number = forms.CharField(
        label=_("文号"), max_length=80, required=False, help_text=_("如 唐工信〔2025〕12号；留空则印出待填的空格")
    )
    issued_on = forms.DateField(
        label=_("成文日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text=_("留空为今天")
    )
