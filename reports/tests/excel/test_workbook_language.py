"""Workbook text is Vietnamese whatever the page language (reports/README.md): the files travel
between offices as documents. QA found English words in workbooks downloaded from /en/ pages."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from communes.models import Role
from communes.tests.factories import MembershipFactory, UserFactory
from criteria.services import ValueEntry, assessment_create, assessment_record_values, assessment_transition
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db

# The English labels QA found, and their neighbours from the same lists.
ENGLISH = [
    "Group 1",
    "Group 2",
    "Group 3",
    "North Central Coast",
    "Draft",
    "Submitted",
    "Standard",
    "Advanced",
    "Model",
    "Recognised",
]


def _texts(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    texts = [book.properties.title or ""]
    for sheet in book.worksheets:
        texts += [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    return texts


def _download(client, language: str, name: str, args: list, query: str) -> list[str]:
    with translation.override(language):
        url = reverse(name, args=args) + "?" + query
    assert url.startswith("/en/") == (language == "en")
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return _texts(response.content)


def _english_in(client, name: str, args: list, query: str) -> list[str]:
    """The English words in the workbook downloaded from the English URL."""
    english = _download(client, "en", name, args, query)
    return sorted({word for word in ENGLISH for text in english if word in text})


def _login(client, unit, role):
    user = UserFactory(username=f"member_{unit.code}_{role}")
    MembershipFactory(user=user, unit=unit, role=role)
    client.force_login(user)
    return client


def test_the_communes_list_names_commune_groups_in_vietnamese(client, merger):
    _login(client, merger.province, Role.PROVINCE_OFFICE)
    texts = _download(client, "en", "reports:export", ["50", "communes"], "year=2026&tier=standard")
    assert "Nhóm 2" in texts
    assert _english_in(client, "reports:export", ["50", "communes"], "year=2026&tier=standard") == []


def test_the_communes_list_names_regions_in_vietnamese(client, personas, tree):
    client.force_login(personas.district_d1)
    texts = _download(client, "en", "reports:export", ["401", "communes"], "year=2025&tier=standard")
    assert "Bắc Trung Bộ" in texts
    assert _english_in(client, "reports:export", ["401", "communes"], "year=2025&tier=standard") == []


def test_the_values_template_gives_assessment_states_in_vietnamese(client, personas, tree):
    criteria_set = make_set(year_from=2021, year_to=2030)
    assessment_create(unit=tree.a, criteria_set=criteria_set, year=2026, user=personas.officer_a)
    b = assessment_create(unit=tree.b, criteria_set=criteria_set, year=2026, user=personas.officer_b)
    entries = [ValueEntry(code, value) for code, value in (("1.1", "có"), ("2.1", "90"), ("3.1", "50"), ("3.2", "0"))]
    assessment_record_values(assessment=b, entries=entries, user=personas.officer_b)
    assessment_transition(assessment=b, action="submit", user=personas.officer_b)
    client.force_login(personas.province_office)
    query = f"criteria_set={criteria_set.pk}&year=2026"
    texts = _download(client, "en", "reports:import_template", ["40"], query)
    assert "Dự thảo" in texts and "Đã gửi" in texts
    assert _english_in(client, "reports:import_template", ["40"], query) == []


def test_the_summary_template_title_names_the_tier_in_vietnamese(client, personas, tree):
    make_set(code="OLD-2016", year_from=2016, year_to=2020)
    client.force_login(personas.province_office)
    texts = _download(client, "en", "reports:import_summary_template", ["40"], "year=2020&tier=standard")
    assert any(t.endswith("— năm 2020 — Đạt chuẩn") for t in texts)
    assert _english_in(client, "reports:import_summary_template", ["40"], "year=2020&tier=standard") == []
