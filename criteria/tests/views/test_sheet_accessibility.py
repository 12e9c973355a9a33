"""The sheet as a screen reader and a keyboard meet it.

QA: a refused "Mark as basically met" came back at the top of the page, its one message 3,500 px
below, the field neither marked invalid nor tied to it; every field of the sheet was named
"Value (%)", "Note" or "Save", whatever its indicator; the Vietnamese names and notes of an
English page were read with English pronunciation (no ``lang="vi"``)."""

from collections import Counter

import lxml.html
import pytest
from django.urls import reverse
from django.utils import translation

from criteria.services import ValueEntry, assessment_create, assessment_record_values
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(tree, personas):
    a = assessment_create(unit=tree.a, criteria_set=make_set(), year=2023, user=personas.officer_a)
    assessment_record_values(
        assessment=a,
        entries=[
            ValueEntry("1.1", "có"),
            ValueEntry("2.1", "50", note="Kênh N2 chưa xong"),
            ValueEntry("3.1", "50"),
            ValueEntry("3.2", "0"),
        ],
        user=personas.officer_a,
    )
    return a


def mark(client, a, number=2, **data):
    data = {"basically_met": "1", "reason": "Kênh N2 đang thi công", "expected_by": "30/11/2023", **data}
    return client.post(reverse("criterion_basically_met", args=[a.pk, number]), data)


def parse(response):
    return lxml.html.fromstring(response.content.decode())


def by_id(doc, id_):
    (element,) = doc.xpath(f'//*[@id="{id_}"]')
    return element


def text_of(doc, ids: str) -> str:
    """An accessible name or description from ``aria-labelledby`` / ``aria-describedby``."""
    return " ".join(" ".join(by_id(doc, id_).text_content().split()) for id_ in ids.split())


# --- 1. A refused "basically met" is said at its field, which takes the focus -------------------


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"expected_by": "31/02/2023"}, "bm-by-2", "Enter a valid date."),
        ({"reason": ""}, "bm-reason-2", "Say why the criterion is basically met (the works under way)."),
        ({"expected_by": "31/12/2022"}, "bm-by-2", "The expected date cannot be before the assessment year (2023)."),
    ],
)
def test_a_refused_mark_is_said_at_its_field_which_takes_the_focus(client, personas, assessment, typed, field, message):
    client.force_login(personas.officer_a)
    response = mark(client, assessment, **typed)
    assert response.status_code == 400
    doc = parse(response)
    invalid = by_id(doc, field)
    assert invalid.get("aria-invalid") == "true"
    # Focused as the page opens, without JavaScript too: the browser scrolls the sheet to it.
    assert invalid.get("autofocus") is not None
    assert doc.xpath("//*[@autofocus]") == [invalid]
    assert invalid.xpath("ancestor::details")[0].get("open") is not None
    assert invalid.xpath("ancestor::section/@id") == ["criterion-2"]
    # The message is tied to the field, whose label names it; the criterion's heading says which.
    described = invalid.get("aria-describedby").split()
    assert f"{field}_error" in described and "criterion-2-title" in described
    assert by_id(doc, f"{field}_error").text_content().strip() == message
    assert text_of(doc, "criterion-2-title") == "2. Thủy lợi"
    # Only the refused field is invalid; what was typed stays.
    other = "bm-reason-2" if field == "bm-by-2" else "bm-by-2"
    assert by_id(doc, other).get("aria-invalid") is None
    assert len(doc.xpath("//*[@aria-invalid='true']")) == 1


def test_a_refusal_that_is_no_field_s_is_said_at_the_criterion_and_focused(client, personas, assessment):
    """Criterion 3 is met (by values saved meanwhile, say): it shows no form to mark it, but the
    refusal is still said at the criterion, and focused."""
    client.force_login(personas.officer_a)
    response = mark(client, assessment, number=3)
    doc = parse(response)
    assert response.status_code == 400
    assert not doc.xpath("//*[@aria-invalid='true']")
    (focused,) = doc.xpath("//*[@autofocus]")
    assert focused.get("role") == "alert" and focused.get("tabindex") == "-1"
    assert focused.xpath("ancestor::section/@id") == ["criterion-3"]
    assert "Criterion 3 is met" in focused.text_content()


def test_a_saved_mark_still_lands_at_its_criterion(client, personas, assessment):
    client.force_login(personas.officer_a)
    response = mark(client, assessment)
    assert response.status_code == 302 and response["Location"].endswith("#criterion-2")
    doc = parse(client.get(response["Location"]))
    assert not doc.xpath("//*[@autofocus]") and not doc.xpath("//*[@aria-invalid='true']")


def save(client, a, code, value, *, version=None, **extra):
    if version is None:
        saved = a.values.filter(indicator__code=code).first()
        version = saved.version if saved else 0
    return client.post(
        reverse("record_value", args=[a.pk, code]), {"value": value, "note": "", "version": version}, **extra
    )


@pytest.mark.parametrize(("code", "typed"), [("2.1", "abc"), ("3.2", "-5"), ("1.1", "có lẽ")])
def test_a_value_refused_without_javascript_opens_at_its_field_which_takes_the_focus(
    client, personas, assessment, code, typed
):
    """QA: the plain form's refusal came back at the top of the sheet, nothing focused, the
    message far below. The refused row's value field takes the focus as the page opens
    (autofocus: without JavaScript too), so the browser scrolls to it."""
    client.force_login(personas.officer_a)
    response = save(client, assessment, code, typed)
    assert response.status_code == 400
    doc = parse(response)
    (value,) = doc.xpath(f"//article[@id='ind-{code}']//*[@name='value']")
    assert doc.xpath("//*[@autofocus]") == [value]
    assert value.get("aria-invalid") == "true"
    assert doc.xpath("//*[@aria-invalid='true']") == [value]
    # The message is tied to the field; what was typed stays.
    error_id = next(i for i in value.get("aria-describedby").split() if i.startswith("err-"))
    assert by_id(doc, error_id).text_content().strip()
    assert by_id(doc, error_id).xpath("ancestor::article/@id") == [f"ind-{code}"]
    if value.tag == "input":
        assert value.get("value") == typed


def test_a_value_saved_meanwhile_opens_at_its_field_without_javascript(client, personas, assessment):
    """A stale save (someone saved the row meanwhile) is refused too: the page opens at the row,
    its value field focused and described by the conflict."""
    client.force_login(personas.officer_a)
    response = save(client, assessment, "2.1", "60", version=0)
    assert response.status_code == 409
    doc = parse(response)
    (value,) = doc.xpath("//article[@id='ind-2.1']//*[@name='value']")
    assert doc.xpath("//*[@autofocus]") == [value]
    described = text_of(doc, value.get("aria-describedby"))
    assert "60" in described and "50" in described  # yours and the saved one, said by the conflict


def test_a_page_or_a_row_swapped_in_is_never_focused_by_itself(client, personas, assessment):
    client.force_login(personas.officer_a)
    assert not parse(client.get(reverse("assessment", args=[assessment.pk]))).xpath("//*[@autofocus]")
    for version in (None, 0):  # refused, then stale: with htmx the row is swapped where the user is
        response = save(client, assessment, "2.1", "abc" if version is None else "60", version=version, **HTMX)
        assert response.status_code == 200
        doc = parse(response)
        assert doc.xpath("//article[@id='ind-2.1']") and not doc.xpath("//*[@autofocus]")
    saved = save(client, assessment, "2.1", "70")
    assert saved.status_code == 302
    assert not parse(client.get(saved["Location"])).xpath("//*[@autofocus]")


HTMX = {"HTTP_HX_REQUEST": "true"}


# --- 2. Every field and button of the sheet names its indicator ---------------------------------


def test_every_field_and_button_of_a_row_names_its_indicator(client, personas, assessment):
    client.force_login(personas.officer_a)
    doc = parse(client.get(reverse("assessment", args=[assessment.pk])))
    rows = doc.xpath("//article[contains(@class, 'indicator')]")
    assert len(rows) == 5
    names = Counter()
    for row in rows:
        code = row.get("id").removeprefix("ind-")
        heading = text_of(doc, row.get("aria-labelledby"))
        assert heading.startswith(code + " ")
        value = row.xpath(".//*[@name='value']")[0]
        note = row.xpath(".//textarea[@name='note']")[0]
        save = row.xpath(".//button[@type='submit' and contains(@class, 'primary')]")[0]
        upload = row.xpath(".//input[@type='file']")[0]
        for control in (value, note, save, upload):
            name = text_of(doc, control.get("aria-labelledby"))
            assert name.endswith(heading), (code, name)
            names[name] += 1
        assert text_of(doc, value.get("aria-labelledby")).startswith("Value")
        assert text_of(doc, note.get("aria-labelledby")) == f"Note {heading}"
        assert text_of(doc, save.get("aria-labelledby")) == f"Save {heading}"
    (value_21,) = doc.xpath("//article[@id='ind-2.1']//*[@name='value']")
    assert text_of(doc, value_21.get("aria-labelledby")) == "Value (%) 2.1 Tỷ lệ tưới tiêu"
    assert max(names.values()) == 1  # no two controls share a name
    # The criterion's "basically met" form says which criterion it is for.
    form = "//section[@id='criterion-2']//details[contains(@class, 'basically-met-form')]"
    controls = doc.xpath(
        f"{form}//*[self::textarea or self::input[@name='expected_by'] or self::button or self::summary]"
    )
    assert len(controls) == 4
    for control in controls:
        assert "criterion-2-title" in control.get("aria-describedby").split()


def test_a_row_swapped_in_after_a_save_keeps_its_names(client, personas, assessment):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("record_value", args=[assessment.pk, "2.1"]),
        {"value": "abc", "note": "", "version": assessment.values.get(indicator__code="2.1").version},
        HTTP_HX_REQUEST="true",
    )
    doc = parse(response)
    value = doc.xpath("//article[@id='ind-2.1']//*[@name='value']")[0]
    assert value.get("aria-invalid") == "true"
    assert text_of(doc, value.get("aria-labelledby")) == "Value (%) 2.1 Tỷ lệ tưới tiêu"


# --- 3. Vietnamese data on an English page is marked lang="vi" ---------------------------------


def _vi_texts(doc) -> set[str]:
    return {" ".join(e.text_content().split()) for e in doc.xpath("//*[@lang='vi']")}


def test_an_english_sheet_marks_its_vietnamese_names_and_notes(client, personas, assessment):
    client.force_login(personas.officer_a)
    mark(client, assessment)
    response = client.get(reverse("assessment", args=[assessment.pk]))
    doc = parse(response)
    assert doc.get("lang") == "en"
    vi = _vi_texts(doc)
    for text in [
        "Xã Cẩm Thạch",
        "Bộ tiêu chí thử",
        "I. Nhóm I",
        "Thủy lợi",
        "Tỷ lệ tưới tiêu",
        "Kênh N2 chưa xong",
        "Kênh N2 đang thi công",
    ]:
        assert text in vi, text
    assert "Tỷ lệ tưới tiêu" in {e.text_content() for e in doc.xpath("//article[@id='ind-2.1']//*[@lang='vi']")}
    # English words stay unmarked.
    assert not any("Value" in t or "Save" in t for t in vi)


def test_a_vietnamese_sheet_needs_no_mark(client, personas, assessment):
    client.force_login(personas.officer_a)
    with translation.override("vi"):
        response = client.get(reverse("assessment", args=[assessment.pk]))
    doc = parse(response)
    assert doc.get("lang") == "vi" and not doc.xpath("//main//*[@lang='vi']")


def test_the_english_commune_workspace_marks_its_vietnamese_names(client, personas, assessment):
    client.force_login(personas.officer_a)
    with translation.override("en"):
        url = reverse("unit", args=["40101"])
    doc = parse(client.get(url, {"year": 2023}))
    vi = {" ".join(e.text_content().split()) for e in doc.xpath("//*[@lang='vi']")}  # breadcrumbs included
    assert {"Xã Cẩm Thạch", "Thử", "Thôn Bắc", "Thôn Nam"} <= vi, vi
