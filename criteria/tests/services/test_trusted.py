"""Trusted loaders write through one named entry point, ``criteria.services.trusted``; nothing
else skips the role check (issue 21, point 1)."""

import pathlib
import re

import pytest
from django.core.exceptions import PermissionDenied

from criteria.services import ValueEntry, assessment_create, assessment_record_values, trusted
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db
ROOT = pathlib.Path(__file__).resolve().parents[3]
# Who may call the entry point: the demo's seeder and the portal's derived values.
CALLERS = {"demo/seeder.py", "criteria/services/derived.py"}


def test_a_trusted_loader_writes_where_a_person_without_the_role_is_refused(tree, personas):
    standard = make_set(year_from=2021, year_to=2030)
    with pytest.raises(PermissionDenied):
        assessment_create(unit=tree.a, criteria_set=standard, year=2025, user=personas.officer_b)
    assessment = trusted.create_assessment(unit=tree.a, criteria_set=standard, year=2025, user=personas.officer_a)
    code = standard.criteria.first().indicators.first().code
    with pytest.raises(PermissionDenied):
        assessment_record_values(assessment=assessment, entries=[ValueEntry(code, "có")], user=personas.officer_b)
    (saved,) = trusted.record_values(assessment=assessment, entries=[ValueEntry(code, "có")], user=personas.officer_a)
    assert saved.version == 1 and saved.updated_by == personas.officer_a


def _sources():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith((".venv", "bench/results")) and "/tests/" not in relative:
            yield relative, path.read_text()


def test_only_the_entry_point_skips_the_role_check_and_only_loaders_call_it():
    skipping = {name for name, text in _sources() if re.search(r"_trusted=True", text)}
    # summary.py opens its assessment after its own role check.
    assert skipping == {"criteria/services/trusted.py", "criteria/services/summary.py"}
    imports = re.compile(
        r"^\s*(from criteria\.services import .*\btrusted\b|from criteria\.services\.trusted import)", re.M
    )
    calling = {name for name, text in _sources() if imports.search(text)}
    assert calling - {"criteria/services/trusted.py"} == CALLERS
    assert not any("check_access" in text for _name, text in _sources())
