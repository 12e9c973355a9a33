"""Markup a screen reader relies on, on the main pages: every id once (a label focuses its own
field), and every id a label or a field's ``aria-describedby`` names present (help text, errors)."""

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.described_by: list[tuple[str, str]] = []
        self.labelled_by: list[tuple[str, str]] = []
        self.labelled: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        for target in (attrs.get("aria-describedby") or "").split():
            self.described_by.append((attrs.get("name") or attrs.get("id") or tag, target))
        for target in (attrs.get("aria-labelledby") or "").split():
            self.labelled_by.append((attrs.get("name") or attrs.get("id") or tag, target))
        if tag == "label" and attrs.get("for"):
            self.labelled.append(attrs["for"])


def markup_problems(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    problems = [f"id {id_!r} appears {n} times" for id_, n in parser.ids.items() if n > 1]
    problems += [
        f"{field} is described by {target!r}, not in the page"
        for field, target in parser.described_by
        if target not in parser.ids
    ]
    problems += [
        f"{field} is labelled by {target!r}, not in the page"
        for field, target in parser.labelled_by
        if target not in parser.ids
    ]
    problems += [
        f"a label is for {target!r}, not in the page" for target in parser.labelled if target not in parser.ids
    ]
    return problems


def describing(html: str, field_name: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return [target for name, target in parser.described_by if name == field_name]


def test_the_checker_finds_a_duplicate_id_and_a_missing_description():
    html = (
        '<p id="a"></p><p id="a"></p><input name="x" aria-describedby="a x_helptext"><label for="y">Y</label>'
        '<button aria-labelledby="a b">Save</button>'
    )
    assert markup_problems(html) == [
        "id 'a' appears 2 times",
        "x is described by 'x_helptext', not in the page",
        "button is labelled by 'b', not in the page",
        "a label is for 'y', not in the page",
    ]


def main_pages(tree, criteria_set, assessment):
    return {
        "province_office": [
            reverse("unit", args=[tree.province.code]),
            reverse("unit", args=[tree.d1.code]),
            reverse("unit", args=[tree.a.code]),
            reverse("password_change"),
            reverse("criteria_sets"),
            reverse("criteria_set", args=[criteria_set.pk]),
            reverse("criteria_set_new") + f"?province={tree.province.code}",
            reverse("commune_group", args=[tree.a.code]),
            reverse("summary_record_new", args=[tree.a.code]) + "?year=2025",
            reverse("reports:import", args=[tree.province.code]),
            reverse("reports:dashboard", args=[tree.province.code]) + "?year=2025",
            reverse("plans:unit", args=[tree.province.code]),
            reverse("ocop:list"),
            reverse("ocop:create"),
        ],
        "officer_a": [
            reverse("unit", args=[tree.a.code]),
            reverse("reports:import", args=[tree.a.code]),
            reverse("assessment", args=[assessment.pk]),
        ],
    }


def test_main_pages_have_unique_ids_and_every_description_present(client, personas, tree, criteria_set, assessment):
    problems = {}
    for persona, paths in main_pages(tree, criteria_set, assessment).items():
        client.force_login(getattr(personas, persona))
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            if found := markup_problems(response.content.decode()):
                problems[f"{path} as {persona}"] = found
    assert not problems, problems


def test_a_fields_help_text_is_what_its_description_names(client, personas):
    client.force_login(personas.officer_a)
    html = client.get(reverse("password_change")).content.decode()
    assert describing(html, "new_password1") == ["id_new_password1_helptext"]
    assert 'id="id_new_password1_helptext"' in html
    assert markup_problems(html) == []


def test_a_fields_errors_stay_tied_to_it_beside_its_help_text(client, personas):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}
    )
    html = response.content.decode()
    assert describing(html, "new_password2") == ["id_new_password2_helptext", "id_new_password2_error"]
    assert 'name="new_password2"' in html and 'aria-invalid="true"' in html
    assert markup_problems(html) == []


def test_an_import_forms_help_and_errors_are_the_files_description(client, personas, tree, criteria_set):
    client.force_login(personas.officer_a)
    response = client.post(reverse("reports:import", args=[tree.a.code]), {"year": "2025"})
    html = response.content.decode()
    assert describing(html, "file")[:2] == ["upload-file_helptext", "upload-file_error"]
    assert markup_problems(html) == []


def test_the_province_pages_two_year_fields_each_have_their_own_label(client, personas, tree, criteria_set):
    client.force_login(personas.province_office)
    html = client.get(reverse("unit", args=[tree.province.code])).content.decode()
    assert '<label for="set-in-force-year">' in html and 'id="set-in-force-year"' in html
    assert '<label for="filter-year">' in html and 'id="filter-year"' in html
