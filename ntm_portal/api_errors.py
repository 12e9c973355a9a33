"""One exception handler for the whole API: every error is JSON in the request's language.

Shapes (``detail`` is always present and is a sentence for a person):

* 400 ``{"detail": "…", "errors": {"17.1": ["…"], "values.0.version": ["…"]}}`` — a Django
  ``ValidationError`` from a service (keyed by field or indicator code) or a DRF one from a
  serializer or a filter; nested serializer errors are flattened to dotted paths;
  errors that belong to no field sit under ``non_field_errors``;
* 409 ``{"detail": "…", "code": …, "current": {…}}`` — a write based on a stale version
  (``Conflict``, raised by the views, which know how to show what is stored now);
* 401/403/404/405/… ``{"detail": "…"}`` — as DRF answers them; Django's ``PermissionDenied``
  and ``Http404`` keep the access helpers' messages.

It is the project's ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``; ``ApiErrorsMixin`` also binds it to
each view (and picks the request's language, see its ``dispatch``).
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

MSG_INVALID = _("The request contains invalid values.")
MSG_CONFLICT = _("The data was changed in the meantime.")
# DRF formats its "expected available in N seconds" before translating it, so it never is.
MSG_THROTTLED = _("Too many requests; try again in %(seconds)s seconds.")
MSG_DATA_TOO_LARGE = _("The request's data is larger than %(limit)s MB: send it in smaller parts.")
# DRF answers a body of JSON null with an ErrorDetail it never passes through gettext
# (``Serializer.errors``, code "null"): the one DRF message ``drf_messages`` cannot list.
DRF_NO_DATA = "No data provided"
MSG_NO_DATA = _("No data was sent: a JSON object is expected.")


class DataTooLarge(exceptions.APIException):
    """413: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (Django raises ``RequestDataTooBig`` when
    the parser reads it, and would answer its HTML 400 page)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self) -> None:
        super().__init__(MSG_DATA_TOO_LARGE % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)})


class Conflict(exceptions.APIException):
    """409: the write was based on an old version; ``body`` says what is stored now."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = MSG_CONFLICT
    default_code = "conflict"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        # Kept as given: DRF would turn None, numbers and booleans in ``extra`` into strings.
        self.body = {"detail": str(detail), **extra}


def _message(item: Any) -> str:
    """One error message as the caller reads it (DRF's untranslated "No data provided" in their language)."""
    if getattr(item, "code", None) == "null" and str(item) == DRF_NO_DATA:
        return str(MSG_NO_DATA)
    return str(item)


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as ``{"a.0.b": ["message", …]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else str(key)
            for path, messages in _flatten(value, f"{prefix}.{name}" if prefix else name).items():
                out.setdefault(path, []).extend(messages)
    elif isinstance(data, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in data):
            if data:
                out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [_message(item) for item in data]
        else:
            for index, item in enumerate(data):
                for path, messages in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    out.setdefault(path, []).extend(messages)
    else:
        out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [_message(data)]
    return out


def _from_django(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        # A service's errors for the whole request (Django's "__all__") under the API's own key.
        errors = {
            api_settings.NON_FIELD_ERRORS_KEY if k == NON_FIELD_ERRORS else k: v for k, v in exc.message_dict.items()
        }
        return exceptions.ValidationError(errors)
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.messages})


def validation_body(detail: Any) -> dict[str, Any]:
    errors = _flatten(detail)
    general = errors.get(api_settings.NON_FIELD_ERRORS_KEY)
    return {"detail": " ".join(general) if general else str(MSG_INVALID), "errors": errors}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, RequestDataTooBig):
        exc = DataTooLarge()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Conflict):
        response.data = exc.body
    elif isinstance(exc, exceptions.Throttled):
        response.data = {"detail": str(MSG_THROTTLED % {"seconds": math.ceil(exc.wait or 1)})}
    elif isinstance(exc, exceptions.ValidationError):
        response.data = validation_body(exc.detail)
    return response


class ApiErrorsMixin:
    """Every API view: messages in the caller's language, errors through the handler above.

    LocaleMiddleware answers every path outside ``i18n_patterns`` in LANGUAGE_CODE when the
    default language has no prefix, so ``/api/`` would always speak Vietnamese; here the
    language comes from the language cookie, then ``Accept-Language``, then LANGUAGE_CODE.
    (LocaleMiddleware still sets ``Content-Language`` and ``Vary`` from it on the way out.)
    """

    def dispatch(self, request, *args, **kwargs):
        language = translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return super().dispatch(request, *args, **kwargs)

    def get_exception_handler(self):
        return api_exception_handler


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer (for the schema)."""

    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Messages by field (dotted path) or by indicator code; non_field_errors for the rest."),
    )


class ConflictSerializer(serializers.Serializer):
    """The body of a 409 answer (for the schema)."""

    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text=_("The indicator whose stored version differs."))
    current = serializers.DictField(help_text=_("What is stored now, with its version."))


def error_responses(invalid: str, *, conflict: bool = True) -> dict[int, OpenApiResponse]:
    """The schema of a writing endpoint's error answers, the same in every app: 400 (``invalid``
    says how its values are keyed), 403, 404 and, for a versioned write, 409."""
    responses = {
        400: OpenApiResponse(ErrorSerializer, description=invalid),
        403: OpenApiResponse(ErrorSerializer, description=_("You may read this but not change it.")),
        404: OpenApiResponse(ErrorSerializer, description=_("Does not exist or is outside your area.")),
    }
    if conflict:
        responses[409] = OpenApiResponse(
            ConflictSerializer, description=_("Changed in the meantime: what is stored now.")
        )
    return responses


MSG_NO_SUCH_ENDPOINT = _("No such address in the API.")


def page_not_found(request, exception):
    """The project's 404 (``handler404``): a path under ``/api/`` that matches no route answers
    the API's JSON error in the caller's language, like every other API error; the rest get
    the portal's page."""
    if request.path.startswith("/api/"):
        with translation.override(translation.get_language_from_request(request, check_path=False)):
            return JsonResponse({"detail": str(MSG_NO_SUCH_ENDPOINT)}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
