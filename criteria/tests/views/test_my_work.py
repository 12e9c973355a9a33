"""“Việc của tôi” on the workspace, and the top of the sheet: state, last word, actions, index."""

import pytest
from django.urls import reverse

from communes.access import forget_memberships
from communes.models import Role
from communes.tests.factories import MembershipFactory, UserFactory
from criteria.inbox import inbox_for
from criteria.services import (
    ValueEntry,
    assessment_create,
    assessment_record_values,
    assessment_transition,
)
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db

COMPLETE = [ValueEntry("1.1", "có"), ValueEntry("2.1", "85"), ValueEntry("3.1", "50"), ValueEntry("3.2", "0")]


@pytest.fixture
def sheets(tree, personas):
    """Commune A submitted then returned; commune B submitted; commune C (district D2) verified."""
    criteria_set = make_set()
    officer_c = UserFactory(username="officer_c")
    MembershipFactory(user=officer_c, unit=tree.c, role=Role.COMMUNE_OFFICER)
    made = {}
    for unit, officer in [(tree.a, personas.officer_a), (tree.b, personas.officer_b), (tree.c, officer_c)]:
        a = assessment_create(unit=unit, criteria_set=criteria_set, year=2025, user=officer)
        assessment_record_values(assessment=a, entries=COMPLETE, user=officer)
        assessment_transition(assessment=a, action="submit", user=officer)
        made[unit.code] = a
    assessment_transition(
        assessment=made["40101"], action="return", user=personas.district_d1, comment="Thiếu biên bản họp thôn"
    )
    assessment_transition(assessment=made["40201"], action="verify", user=personas.district_d2, comment="Đạt")
    return made


def _counts(user, **kwargs):
    return {q.key: q.count for q in inbox_for(user, **kwargs)}


def test_each_role_sees_what_waits_for_it(personas, sheets):
    assert _counts(personas.officer_a) == {"returned": 1}
    assert _counts(personas.officer_b) == {}
    assert _counts(personas.district_d1) == {"verify": 1}  # B; A was returned
    assert _counts(personas.district_d2) == {}
    assert _counts(personas.province_office) == {"appraise": 1}  # C; B waits for its district
    assert _counts(personas.viewer) == {}


def test_a_return_comes_with_its_reason(personas, sheets):
    (queue,) = inbox_for(personas.officer_a)
    (item,) = queue.items
    assert item.unit.code == "40101" and item.last_comment == "Thiếu biên bản họp thôn"


def test_the_province_verifies_communes_without_a_district(personas, sheets, tree):
    from communes.tests.factories import CommuneFactory

    direct = CommuneFactory(code="40301", name="Xã Mới", parent=tree.province)
    officer = personas.officer_a
    MembershipFactory(user=officer, unit=direct, role=Role.COMMUNE_OFFICER)
    forget_memberships(officer)
    a = assessment_create(unit=direct, criteria_set=sheets["40101"].criteria_set, year=2025, user=officer)
    assessment_record_values(assessment=a, entries=COMPLETE, user=officer)
    assessment_transition(assessment=a, action="submit", user=officer)
    assert _counts(personas.province_office) == {"verify": 1, "appraise": 1}


def test_the_inbox_reads_a_count_per_queue_and_a_list_per_non_empty_one(personas, sheets, django_assert_num_queries):
    personas.province_office.refresh_from_db()  # no cached memberships
    with django_assert_num_queries(1 + 3 + 1):  # memberships, three counts, the one non-empty list
        inbox_for(personas.province_office)


def test_the_officer_workspace_shows_what_came_back_and_why(client, personas, sheets, vi):
    client.force_login(personas.officer_a)
    html = client.get(reverse("unit", args=["40101"]) + "?year=2025").content.decode()
    assert "Việc của tôi" in html
    assert "Thiếu biên bản họp thôn" in html
    assert reverse("assessment", args=[sheets["40101"].pk]) in html


def test_the_district_workspace_counts_what_waits_for_verification(client, personas, sheets):
    client.force_login(personas.district_d1)
    html = client.get(reverse("unit", args=["401"])).content.decode()
    assert '<span class="count">1</span> waiting for your verification' in html


def test_a_viewer_has_no_inbox(client, personas, sheets):
    client.force_login(personas.viewer)
    assert 'id="my-work"' not in client.get(reverse("unit", args=["40"])).content.decode()


def test_the_sheet_opens_with_the_return_reason_the_actions_and_an_index_of_criteria(client, personas, sheets):
    client.force_login(personas.officer_a)
    html = client.get(reverse("assessment", args=[sheets["40101"].pk])).content.decode()
    reason = html.index("Thiếu biên bản họp thôn")
    workflow = html.index('id="workflow"')
    first_criterion = html.index('id="criterion-1"')
    assert "Returned for correction by district_d1" in html
    assert reason < workflow < first_criterion  # the reason and the actions before the criteria
    assert 'href="#criterion-1" class="index-chip is-met"' in html


def test_saving_a_value_updates_the_index_mark_of_its_criterion(client, personas, assessment):
    client.force_login(personas.officer_a)
    page = client.get(reverse("assessment", args=[assessment.pk])).content.decode()
    assert 'href="#criterion-2" class="index-chip is-not-met"' in page
    response = client.post(
        reverse("record_value", args=[assessment.pk, "2.1"]), {"value": "85", "version": 0}, HTTP_HX_REQUEST="true"
    )
    assert 'id="index-2" href="#criterion-2" class="index-chip is-met" hx-swap-oob="true"' in response.content.decode()


@pytest.fixture
def villages_waiting(tree, personas):
    """Commune B submitted in 2025; "Thôn Bắc" of A and a "Thôn Bắc" of B submitted too."""
    from communes.tests.factories import VillageFactory
    from criteria.models import AssessmentState
    from criteria.services import assessment_set_state

    namesake = VillageFactory(code="40102-02", name="Thôn Bắc", parent=tree.b)
    commune_set = make_set(code="XA")
    village_set = make_set(code="THON", level="village")
    made = []
    for unit, the_set in ((tree.b, commune_set), (tree.a1, village_set), (namesake, village_set)):
        a = assessment_create(unit=unit, criteria_set=the_set, year=2025, user=personas.district_d1)
        assessment_set_state(assessment=a, state=AssessmentState.SUBMITTED, user=personas.district_d1)
        made.append(a)
    return made


def test_my_work_and_the_districts_queue_count_the_same_villages_included(client, personas, villages_waiting):
    assert _counts(personas.district_d1) == {"verify": 3}
    client.force_login(personas.district_d1)
    response = client.get(reverse("unit", args=["401"]), {"year": 2025})
    (queue,) = response.context["queues"]
    assert queue["count"] == 3
    html = response.content.decode()
    assert '<span class="count">3</span> waiting for your verification' in html
    assert "villages included; “My work” above counts every year." in html


# Names are Vietnamese on the English page too (lang="vi").
VILLAGE_OF = '<span lang="vi">Thôn Bắc</span> (<span lang="vi">{}</span>) · '


def test_a_village_is_named_with_its_commune_in_my_work_and_the_queue(client, personas, villages_waiting):
    client.force_login(personas.district_d1)
    html = client.get(reverse("unit", args=["401"]), {"year": 2025}).content.decode()
    inbox = html.split('id="my-work"')[1].split("</section>")[0]
    assert VILLAGE_OF.format("Xã Cẩm Thạch") in inbox and VILLAGE_OF.format("Xã Đức Lĩnh") in inbox
    assert '"><span lang="vi">Xã Đức Lĩnh</span> · ' in inbox  # a commune is named alone
    queue = html.split("Waiting for verification")[1].split("</section>")[0]
    assert '<span class="muted small">(<span lang="vi">Xã Cẩm Thạch</span>)</span>' in queue
    assert '<span class="muted small">(<span lang="vi">Xã Đức Lĩnh</span>)</span>' in queue


def test_a_districts_own_assessment_waits_for_the_province_not_its_committee(personas, tree):
    from criteria.models import AssessmentState
    from criteria.services import assessment_set_state

    own = assessment_create(
        unit=tree.d1, criteria_set=make_set(code="HUYEN", level="district"), year=2025, user=personas.district_d1
    )
    assessment_set_state(assessment=own, state=AssessmentState.SUBMITTED, user=personas.district_d1)
    assert _counts(personas.district_d1) == {}
    assert _counts(personas.province_office) == {"verify": 1}


def test_a_returned_sheet_waits_since_its_return_whatever_is_saved_after(personas, sheets):
    """QA: "trả lại … từ 05/12/2026" after the officer saved one value; it was returned on
    12/04/2025. The queue says since when it waits: its last state change."""
    from criteria.models import HistoryEntry, HistoryKind

    returned = sheets["40101"]
    was_returned = HistoryEntry.objects.filter(assessment=returned, kind=HistoryKind.STATE).latest("at").at
    assessment_record_values(assessment=returned, entries=[ValueEntry("2.1", "90")], user=personas.officer_a)
    (queue,) = inbox_for(personas.officer_a)
    (item,) = queue.items
    assert item.waiting_since == was_returned and item.updated_at > was_returned
