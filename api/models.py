"""Personal API tokens: a user's key for the web API, kept only as its SHA-256."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_user(self, user):
        return self.filter(user=user)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("名称"), max_length=60, blank=True)
    # The first characters of the key, shown in the list so that a user can tell keys apart.
    prefix = models.CharField(_("前缀"), max_length=12)
    key_hash = models.CharField(_("SHA-256"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user} · {self.name or self.prefix}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
