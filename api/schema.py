"""drf-spectacular's description of the token authentication (a Bearer scheme)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "个人API令牌：在“账号 → API令牌”页面创建，`Authorization: Bearer <令牌>`。",
        }
