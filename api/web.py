"""The user's own page of API tokens (账号 → API令牌): create one (its key shown once),
see when each was last used, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from policies.scope import ScopedMixin

from . import services
from .models import ApiToken


@method_decorator(never_cache, name="dispatch")  # the page that shows a new key is never stored
class ApiTokenListView(ScopedMixin, TemplateView):
    template_name = "api/apitoken_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = ApiToken.objects.for_user(self.request.user)
        return context

    def post(self, request):
        try:
            token, key = services.token_create(user=request.user, name=request.POST.get("name", ""))
        except services.TokenError as exc:
            messages.error(request, str(exc))
            return redirect("tokens:list")
        # Rendered, not redirected: the key is in this response only and stored nowhere.
        return self.render_to_response(self.get_context_data(new_token=token, new_key=key))


class ApiTokenRevokeView(ScopedMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(ApiToken.objects.for_user(request.user), pk=pk)
        services.token_revoke(token=token, by=request.user)
        messages.success(
            request, _("令牌“%(name)s”已撤销，使用它的请求将被拒绝。") % {"name": token.name or token.prefix}
        )
        return redirect("tokens:list")
