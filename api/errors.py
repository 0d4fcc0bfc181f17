"""One shape for every refusal of the API: `{"detail": "…"}`, with `errors` by field when
the request's data did not validate. The messages are Chinese (DRF's zh-hans catalogue
and the portal's own)."""

from __future__ import annotations

import re

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

DJANGO_NOT_FOUND = re.compile(r"No \w+ matches the given query\.")


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404) and DJANGO_NOT_FOUND.fullmatch(str(exc)):
        # get_object_or_404's own message is English and names a model: say it plainly.
        response.data = {"detail": _("未找到。")}
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("提交的数据有误，请按提示修改。"), "errors": errors}
    return response
