from .base import *  # noqa: F403
from .base import DEBUG, env_bool, env_int

# Production is base.py with DEBUG off and HTTPS switches; nothing exists only here.
# Each switch defaults to what `manage.py check --deploy` asks for behind the TLS proxy;
# README "Deploying" lists the four to turn off for plain-HTTP testing on loopback.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The proxy's and the monitor's health probe may come over plain HTTP to gunicorn itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
# The portal has a host name of its own (portal.example.gov.cn): its subdomains are its own too.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # security.W021 asks for the HSTS "preload" flag. Preloading is a decision for the owner
    # of the whole registrable domain (example.gov.cn), made at hstspreload.org and hard to
    # undo; browsers do not preload a sub-domain such as the portal's own host. Opt in with
    # SECURE_HSTS_PRELOAD=1 when the domain's owner has decided so.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405
