"""The API's one error shape: `{"code": ..., "message": ..., "extra": {...}}`.

Domain errors, Django validation errors and DRF's own exceptions all leave
through `api_exception_handler`, so clients parse a single format.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ordering.exceptions import DomainError


def _flatten(detail) -> str:
    """Pick the first human message out of DRF's nested error detail, prefixed
    with the field it is about."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            text = _flatten(value)
            return text if key == "non_field_errors" else f"{key}: {text}"
        return ""
    if isinstance(detail, list):
        return _flatten(detail[0]) if detail else ""
    return str(detail)


def _field_errors(detail) -> dict | list | str:
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(value) for value in detail]
    return str(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": str(exc.message), "extra": exc.extra},
            status=exc.http_status,
            headers=exc.headers,
        )
    if isinstance(exc, DjangoValidationError):
        fields = getattr(exc, "message_dict", None)
        message = _flatten(fields) if fields else " ".join(exc.messages)
        return Response(
            {"code": "invalid", "message": message, "extra": {"fields": fields or {}}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _field_errors(exc.detail)
        body = {
            "code": "invalid",
            "message": _flatten(exc.detail) or _("The request is not valid."),
            "extra": {"fields": fields if isinstance(fields, dict) else {}},
        }
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        body = {
            "code": codes if isinstance(codes, str) else "error",
            "message": _flatten(getattr(exc, "detail", "")),
            "extra": {},
        }
    response.data = body
    return response
