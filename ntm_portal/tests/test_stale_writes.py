"""One stale-write error for every app: ``ntm_portal.errors.StaleWriteError`` with the code
``stale``. The pages that catch it answer 409 with its message and the API a ``Conflict`` (see
the apps' own tests: ocop, plans, criteria sheet and commune groups)."""

import pathlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError

from ntm_portal.errors import STALE, StaleWriteError, stale_among


def test_the_stale_write_error_is_a_validation_error_with_its_code_and_what_is_stored():
    stored = object()
    error = StaleWriteError("Changed by %(user)s.", params={"user": "An"}, current=stored)
    assert isinstance(error, ValidationError)
    assert (error.code, error.current, error.messages) == (STALE, stored, ["Changed by An."])


def test_a_form_holding_a_stale_refusal_is_told_apart_from_other_refusals():
    assert stale_among([ValidationError("x", code="required"), StaleWriteError("changed")])
    assert not stale_among([ValidationError("x", code="required")])
    assert not stale_among([])


def test_no_app_defines_its_own_stale_error_or_spells_the_code():
    base = pathlib.Path(settings.BASE_DIR)
    own = re.compile(r"class Stale\w*Error|code\s*==?\s*[\"']stale[\"']")
    apps = [d for d in base.iterdir() if d.is_dir() and not d.name.startswith(".")]
    offenders = [
        str(path.relative_to(base))
        for app in apps
        for path in app.glob("**/*.py")
        if "tests" not in path.parts and path != base / "ntm_portal" / "errors.py"
        if own.search(path.read_text(encoding="utf-8"))
    ]
    assert len(apps) > 5
    assert offenders == []
