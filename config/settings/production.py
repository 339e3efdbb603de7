"""Production: everything from the environment, and no insecure fallbacks."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403

SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in "
        'production (python -c "import secrets; print(secrets.token_urlsafe(64))").'
    )

DEBUG = False
TABLESIDE = {**TABLESIDE, "BENCH_ENDPOINTS": False}  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Mail always leaves over SMTP in production: the relay named by EMAIL_HOST,
# or a mail server on this machine (a console backend would drop receipts).
_MAIL_RELAY = env_str("EMAIL_HOST")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _MAIL_RELAY or "localhost",
            "port": env_int("EMAIL_PORT", 587 if _MAIL_RELAY else 25),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", bool(_MAIL_RELAY)),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }
}
