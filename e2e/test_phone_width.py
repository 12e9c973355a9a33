"""No page of the authorization matrix is wider than a phone (390 px): wide tables scroll
inside their own container instead of widening the page; and no field on it is written under
16 px, which a phone's browser zooms the page into when the field is touched."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from criteria.services import evidence_attach
from e2e.conftest import sign_in, step
from ntm_portal.tests.test_authorization_matrix import MATRIX, PDF

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 390
SMALL_FIELDS = """() => {
  const NOT_TYPED = new Set(['hidden', 'checkbox', 'radio', 'file', 'submit', 'button', 'reset', 'image', 'range', 'color']);
  return [...document.querySelectorAll('input, select, textarea')]
    .filter(e => !NOT_TYPED.has(e.type) && e.offsetParent !== null)
    .filter(e => parseFloat(getComputedStyle(e).fontSize) < 16)
    .map(e => `${e.name || e.id || e.type} ${getComputedStyle(e).fontSize}`);
}"""


@pytest.fixture
def objects(personas, assessment, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    personas.province = personas.province_office
    personas.district_a, personas.district_other = personas.district_d1, personas.district_d2
    personas.evidence = evidence_attach(
        assessment=assessment, code="1.1", upload=SimpleUploadedFile("a.pdf", PDF), user=personas.officer_a
    )
    personas.assessment = assessment
    return personas


@pytest.mark.parametrize("persona", ["officer_a", "province_office"])
def test_no_page_of_the_matrix_overflows_a_phone(open_page, objects, persona, vi):
    client = Client()
    client.force_login(getattr(objects, persona))
    urls = []
    for name, row in sorted(MATRIX.items()):
        if row.method != "GET" or name.startswith("api:"):
            continue
        url = row.url(objects)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            urls.append((name, url))
    assert len(urls) >= 6, urls  # the pages of the matrix, not just a couple
    page = open_page(width=WIDTH, height=800)
    sign_in(page, persona)
    too_wide, small_fields = {}, {}
    for name, url in urls:
        with step(page, f"phone-{persona}-{name.replace(':', '-')}"):
            page.goto(page.base + url)
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                too_wide[name] = width
            if small := page.evaluate(SMALL_FIELDS):
                small_fields[name] = small
    assert not too_wide, too_wide
    assert not small_fields, small_fields
