"""The province office's criteria sets: clone, confirm targets, publish, retire, history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from communes.models import Role
from communes.tests.factories import MembershipFactory, ProvinceFactory, UserFactory
from criteria.access_sets import get_set_for_user
from criteria.models import CriteriaSetChange, SetChangeKind, SetStatus, Target
from criteria.services import assessment_create, catalog_set_clone
from criteria.services.in_force import criteria_set_in_force, other_sets
from criteria.services.set_workspace import (
    MSG_TARGET_GONE,
    criteria_set_clone_for,
    criteria_set_publish_checked,
    criteria_set_retire,
    target_confirm,
    unconfirmed_targets,
)
from criteria.tests.factories import give_own_header, make_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def national():
    s = make_set(code="NATIONAL", year_from=2021, year_to=2030)
    return s


@pytest.fixture
def other_province():
    province = ProvinceFactory(code="42", name="Tỉnh Khác")
    office = UserFactory(username="office_42")
    MembershipFactory(user=office, unit=province, role=Role.PROVINCE_OFFICE)
    return province, office


@pytest.fixture
def draft(tree, personas, national):
    clone = criteria_set_clone_for(criteria_set=national, province=tree.province, user=personas.province_office)
    return give_own_header(clone)


def _flag(criteria_set, n=2):
    """Exactly ``n`` targets to verify (the factory's set flags one of its own)."""
    Target.objects.filter(indicator__criteria_set=criteria_set).update(to_verify=False)
    targets = list(Target.objects.filter(indicator__criteria_set=criteria_set).order_by("pk")[:n])
    for t in targets:
        Target.objects.filter(pk=t.pk).update(to_verify=True)
    return targets


def test_a_province_office_s_clone_of_a_national_set_is_the_province_s_draft(tree, personas, national, draft):
    assert draft.issuer == tree.province
    assert draft.status == SetStatus.DRAFT
    assert draft.code == "40-NATIONAL" and draft.supersedes == national
    entry = CriteriaSetChange.objects.get(criteria_set=draft)
    assert entry.kind == SetChangeKind.CREATED and entry.user == personas.province_office


def test_catalog_clone_by_a_province_office_never_makes_a_national_draft(personas, national):
    with pytest.raises(PermissionDenied):
        catalog_set_clone(criteria_set=national, user=personas.province_office)


def test_a_province_office_cannot_clone_into_another_province(personas, national, other_province):
    province, _office = other_province
    with pytest.raises(PermissionDenied):
        criteria_set_clone_for(criteria_set=national, province=province, user=personas.province_office)


def test_another_province_s_set_is_not_found_nor_clonable(tree, personas, draft, other_province):
    province, office = other_province
    with pytest.raises(Http404):
        get_set_for_user(office, draft.pk)
    with pytest.raises(PermissionDenied):
        criteria_set_clone_for(criteria_set=draft, province=province, user=office)


def test_a_province_office_cannot_publish_or_retire_a_national_set(personas, national):
    national.status = SetStatus.DRAFT
    with pytest.raises(PermissionDenied):
        criteria_set_publish_checked(criteria_set=national, user=personas.province_office)
    with pytest.raises(PermissionDenied):
        criteria_set_retire(criteria_set=national, user=personas.province_office, reason="x")
    with pytest.raises(PermissionDenied):
        get_set_for_user(personas.province_office, national.pk, write=True)


def test_a_viewer_of_the_province_reads_its_draft_but_cannot_change_it(personas, draft):
    assert get_set_for_user(personas.viewer, draft.pk) == draft
    with pytest.raises(PermissionDenied):
        criteria_set_publish_checked(criteria_set=draft, user=personas.viewer)


def test_publishing_is_refused_until_unconfirmed_targets_are_confirmed(personas, draft):
    first, second = _flag(draft)
    with pytest.raises(ValidationError) as exc:
        criteria_set_publish_checked(criteria_set=draft, user=personas.province_office)
    assert "2 targets are not yet confirmed" in exc.value.messages[0]
    target_confirm(target=first, user=personas.province_office)
    first.refresh_from_db()
    assert not first.to_verify and first.confirmed_by == personas.province_office and first.confirmed_at
    assert unconfirmed_targets(draft) == [second]
    target_confirm(target=second, user=personas.province_office)
    published = criteria_set_publish_checked(criteria_set=draft, user=personas.province_office)
    assert published.status == SetStatus.PUBLISHED
    kinds = list(CriteriaSetChange.objects.filter(criteria_set=draft).values_list("kind", flat=True))
    assert kinds == ["created", "confirmed", "confirmed", "published"]


def test_publishing_with_unconfirmed_targets_accepted_is_recorded(personas, draft):
    _flag(draft)
    with pytest.raises(ValidationError, match="changed"):
        criteria_set_publish_checked(criteria_set=draft, user=personas.province_office, accept_unconfirmed=1)
    criteria_set_publish_checked(criteria_set=draft, user=personas.province_office, accept_unconfirmed=2)
    entry = CriteriaSetChange.objects.get(criteria_set=draft, kind=SetChangeKind.PUBLISHED)
    assert entry.user == personas.province_office
    assert entry.comment.startswith("Published with 2 targets unconfirmed: 2.1")


def test_confirming_a_target_another_editor_removed_is_refused_with_a_message(personas, draft):
    (target,) = _flag(draft, 1)
    Target.objects.filter(pk=target.pk).delete()
    with pytest.raises(ValidationError) as refused:
        target_confirm(target=target, user=personas.province_office)
    assert refused.value.messages == [str(MSG_TARGET_GONE)]


def test_a_confirmed_target_of_a_published_set_cannot_change(personas, draft):
    (target,) = _flag(draft, 1)
    criteria_set_publish_checked(criteria_set=draft, user=personas.province_office, accept_unconfirmed=1)
    with pytest.raises(ValidationError, match="draft"):
        target_confirm(target=target, user=personas.province_office)


def test_a_retired_set_is_not_offered_for_new_assessments_and_old_ones_stay(tree, personas, draft):
    _flag(draft, 0)
    published = criteria_set_publish_checked(criteria_set=draft, user=personas.province_office)
    old = assessment_create(unit=tree.a, criteria_set=published, year=2024, user=personas.officer_a)
    assert criteria_set_in_force(unit=tree.b, year=2024, tier="standard") == published
    with pytest.raises(ValidationError):
        criteria_set_retire(criteria_set=published, user=personas.province_office, reason=" ")
    published = criteria_set_retire(
        criteria_set=published, user=personas.province_office, reason="QĐ 9/QĐ-UBND thay thế"
    )
    assert published.status == SetStatus.RETIRED
    assert criteria_set_in_force(unit=tree.b, year=2024, tier="standard") != published
    assert published not in other_sets(tree.b, 2024, "standard", None)
    with pytest.raises(ValidationError, match="retired"):
        assessment_create(unit=tree.b, criteria_set=published, year=2024, user=personas.officer_b)
    old.refresh_from_db()
    assert old.criteria_set == published  # still readable
    assert CriteriaSetChange.objects.filter(criteria_set=published, kind=SetChangeKind.RETIRED).get().comment


def test_the_set_history_is_append_only(draft):
    entry = CriteriaSetChange.objects.get(criteria_set=draft)
    entry.comment = "rewritten"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        CriteriaSetChange.objects.all().delete()


def test_a_province_cannot_take_a_national_code(tree, personas, national):
    with pytest.raises(ValidationError) as exc:
        criteria_set_clone_for(
            criteria_set=national, province=tree.province, user=personas.province_office, code="NATIONAL"
        )
    assert "already exists" in exc.value.message_dict["code"][0]


def test_cloning_the_province_s_own_set_makes_its_next_version(tree, personas, draft):
    again = criteria_set_clone_for(criteria_set=draft, province=tree.province, user=personas.province_office)
    assert (again.code, again.version, again.issuer) == (draft.code, 2, tree.province)


def test_a_criterion_without_a_required_indicator_is_refused_at_publish(personas, draft):
    """QA: a criterion 20 added with no indicator made every assessment 19/20 for ever."""
    from criteria.models import Criterion, Indicator
    from criteria.services.catalog import MSG_CRITERION_WITHOUT_INDICATOR
    from criteria.services.set_editing import set_row_save

    group = draft.groups.get()
    empty = set_row_save(
        criteria_set=draft,
        user=personas.province_office,
        row=Criterion(group=group, number=20, name="Tiêu chí riêng"),
    )
    with pytest.raises(ValidationError) as refused:
        criteria_set_publish_checked(criteria_set=draft, user=personas.province_office, accept_unconfirmed=1)
    assert refused.value.messages == [str(MSG_CRITERION_WITHOUT_INDICATOR % {"number": 20, "name": "Tiêu chí riêng"})]
    draft.refresh_from_db()
    assert draft.status == SetStatus.DRAFT and draft.published_at is None
    assert not CriteriaSetChange.objects.filter(criteria_set=draft, kind=SetChangeKind.PUBLISHED).exists()
    # An optional indicator alone does not make it one a unit could meet.
    optional = Indicator(criterion=empty, code="20.1", name="Ghi chú", value_type="yes_no", comparison="met")
    optional.required = False
    set_row_save(criteria_set=draft, user=personas.province_office, row=optional)
    with pytest.raises(ValidationError, match="Criterion 20"):
        criteria_set_publish_checked(criteria_set=draft, user=personas.province_office, accept_unconfirmed=1)
    optional.required = True
    set_row_save(criteria_set=draft, user=personas.province_office, row=optional)
    criteria_set_publish_checked(criteria_set=draft, user=personas.province_office, accept_unconfirmed=1)
    draft.refresh_from_db()
    assert draft.status == SetStatus.PUBLISHED


def test_a_province_s_clone_publishes_only_with_its_own_decision_and_name(tree, personas, national):
    """QA: the clone kept the national set's name and decision, so lists and the API showed
    two sets no one could tell apart; a published set cannot be renamed afterwards."""
    from criteria.services.catalog import MSG_SAME_DECISION, MSG_SAME_NAME
    from criteria.services.set_editing import criteria_set_update_header

    office = personas.province_office
    clone = criteria_set_clone_for(criteria_set=national, province=tree.province, user=office)
    same_name = str(MSG_SAME_NAME % {"name": "Bộ tiêu chí thử", "other": "NATIONAL v1"})
    same_short_name = str(MSG_SAME_NAME % {"name": "Thử", "other": "NATIONAL v1"})
    with pytest.raises(ValidationError) as refused:
        criteria_set_publish_checked(criteria_set=clone, user=office, accept_unconfirmed=1)
    assert refused.value.messages == [
        str(MSG_SAME_DECISION % {"decision": "1/QĐ-TEST", "source": "NATIONAL v1"}),
        same_name,
        same_short_name,
    ]
    criteria_set_update_header(criteria_set=clone, user=office, data={"decision_number": "12/2024/QĐ-UBND"})
    with pytest.raises(ValidationError) as refused:
        criteria_set_publish_checked(criteria_set=clone, user=office, accept_unconfirmed=1)
    assert refused.value.messages == [same_name, same_short_name]
    criteria_set_update_header(criteria_set=clone, user=office, data={"name": "Bộ tiêu chí của tỉnh Nghệ Thử"})
    with pytest.raises(ValidationError, match="“Thử” is already the name of NATIONAL v1"):
        criteria_set_publish_checked(criteria_set=clone, user=office, accept_unconfirmed=1)
    clone.refresh_from_db()
    assert clone.status == SetStatus.DRAFT
    criteria_set_update_header(criteria_set=clone, user=office, data={"short_name": "Thử (Nghệ Thử)"})
    assert criteria_set_publish_checked(criteria_set=clone, user=office, accept_unconfirmed=1).status == "published"


def test_the_province_s_next_version_of_its_own_set_keeps_its_name(tree, personas, draft):
    """Versions of one code are told apart by their number: the name check is between sets."""
    office = personas.province_office
    criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1)
    again = criteria_set_clone_for(criteria_set=draft, province=tree.province, user=office)
    assert (again.name, again.decision_number) == (draft.name, draft.decision_number)
    Target.objects.filter(indicator__criteria_set=again, indicator__code="2.1", region="").update(value=85)
    assert criteria_set_publish_checked(criteria_set=again, user=office, accept_unconfirmed=1).version == 2


def _own_indicator(draft, office, *, code="20.1"):
    """QA's steps: criterion 20 and its required percentage indicator, added to the province's clone."""
    from criteria.models import Criterion, Indicator
    from criteria.services.set_editing import set_row_save

    criterion = set_row_save(
        criteria_set=draft, user=office, row=Criterion(group=draft.groups.get(), number=20, name="Tiêu chí riêng")
    )
    return set_row_save(
        criteria_set=draft,
        user=office,
        row=Indicator(criterion=criterion, code=code, name="Tỷ lệ riêng", value_type="percent", comparison="gte"),
    )


def test_a_required_indicator_without_a_target_value_is_refused_at_publish(personas, draft):
    """QA: a target saved with 'Mức đạt' empty let the set publish, and criterion 20 was never met."""
    from criteria.services.catalog import MSG_REQUIRED_WITHOUT_TARGET
    from criteria.services.set_editing import set_row_save

    office = personas.province_office
    indicator = _own_indicator(draft, office)
    expected = [str(MSG_REQUIRED_WITHOUT_TARGET % {"code": "20.1", "name": "Tỷ lệ riêng", "number": 20})]
    with pytest.raises(ValidationError) as refused:
        criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1)
    assert refused.value.messages == expected
    with pytest.raises(ValidationError, match="enter the value the indicator must reach"):
        set_row_save(criteria_set=draft, user=office, row=Target(indicator=indicator, value=None))
    empty = Target.objects.create(indicator=indicator, value=None)  # a blank "set by the province", as loaded
    with pytest.raises(ValidationError) as refused:
        criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1)
    assert refused.value.messages == expected
    draft.refresh_from_db()
    assert draft.status == SetStatus.DRAFT
    empty.value = 90
    set_row_save(criteria_set=draft, user=office, row=empty)
    assert criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1).status == "published"


def test_targets_per_region_count_and_a_region_left_without_one_is_named(personas, draft):
    from communes.models import Region
    from criteria.services.set_editing import set_row_save

    office = personas.province_office
    indicator = _own_indicator(draft, office)
    for region in Region.values[:-1]:
        set_row_save(criteria_set=draft, user=office, row=Target(indicator=indicator, value=85, region=region))
    with pytest.raises(ValidationError, match="no target value applies to region Mekong River Delta in 2021"):
        criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1)
    set_row_save(criteria_set=draft, user=office, row=Target(indicator=indicator, value=95, region=Region.DBSCL))
    assert criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1).status == "published"


def test_targets_per_commune_group_count_as_targets(personas, draft):
    from criteria.services.set_editing import criteria_set_update_header, set_row_save

    office = personas.province_office
    criteria_set_update_header(criteria_set=draft, user=office, data={"target_basis": "group"})
    # The clone's region targets would never apply by group: refused at publish until removed.
    Target.objects.filter(indicator__criteria_set=draft).exclude(region="").delete()
    indicator = _own_indicator(draft, office)
    for group in (1, 2):
        set_row_save(criteria_set=draft, user=office, row=Target(indicator=indicator, value=90, commune_group=group))
    with pytest.raises(ValidationError, match="applies to commune group 3 in 2021"):
        criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1)
    set_row_save(criteria_set=draft, user=office, row=Target(indicator=indicator, value=80, commune_group=3))
    assert criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1).status == "published"


def test_a_target_from_a_later_year_leaves_the_first_years_without_one(personas, draft):
    from criteria.services.set_editing import set_row_save

    office = personas.province_office
    indicator = _own_indicator(draft, office)
    set_row_save(criteria_set=draft, user=office, row=Target(indicator=indicator, value=90, year=2023))
    # Every region lacks one in 2021: the indicator is named once, with each region.
    with pytest.raises(ValidationError) as refused:
        criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1)
    (message,) = refused.value.messages
    assert "applies to region Northern Midlands and Mountains, region Red River Delta, " in message
    assert "region Mekong River Delta in 2021, so criterion 20 could never be met there" in message


def test_a_province_s_set_still_named_as_the_national_set_is_refused_at_publish(tree, personas, draft):
    """QA: the clone of QĐ 318 published as the province's 2026–2030 set still read "Bộ tiêu chí quốc
    gia … giai đoạn 2021–2025" / "Xã NTM nâng cao 2021–2025"."""
    from criteria.models import CriteriaSet

    office = personas.province_office
    CriteriaSet.objects.filter(pk=draft.pk).update(
        name="Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2026–2030", year_from=2026, year_to=2030
    )
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1)
    assert refused.value.message_dict["name"] == [
        "The name “Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao giai đoạn 2026–2030” still names the "
        "national set (“quốc gia”): give the province's set its own name in the set's header before publishing "
        "(it may say “quốc gia” when it also names the province)."
    ]
    CriteriaSet.objects.filter(pk=draft.pk).update(
        name="Bộ tiêu chí quốc gia về xã NTM nâng cao trên địa bàn tỉnh Nghệ Thử, giai đoạn 2026-2030",
        short_name="Xã NTM nâng cao 2021–2025",
    )
    draft.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1)
    assert refused.value.message_dict["short_name"] == [
        "The short name “Xã NTM nâng cao 2021–2025” names the period 2021–2025, but the set covers the years 2026–2030: "
        "correct the short name or the years in the set's header before publishing."
    ]
    CriteriaSet.objects.filter(pk=draft.pk).update(short_name="Xã NTM nâng cao Nghệ Thử 2026–2030")
    draft.refresh_from_db()
    Target.objects.filter(indicator__criteria_set=draft, year__lt=2026).delete()  # the factory's 2024 target
    assert criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1).is_published


def test_rows_a_later_change_left_unable_to_apply_are_refused_at_publish(tree, personas, draft):
    """QA: renumbering a criterion (its indicators 2.1… under criterion 25) and shortening the
    set's years (a target "from 2025" in a 2024–2024 set) passed every form, and published."""
    from criteria.models import CriteriaSet, Criterion, Target

    office = personas.province_office
    indicator = draft.indicators.select_related("criterion").order_by("code").first()
    Criterion.objects.filter(pk=indicator.criterion_id).update(number=25)
    Target.objects.create(indicator=indicator, value=80, year=draft.year_to + 1)
    with pytest.raises(ValidationError) as refused:
        criteria_set_publish_checked(criteria_set=draft, user=office, accept_unconfirmed=1)
    problems = " ".join(refused.value.messages)
    assert f"{indicator.code} would read as another criterion's" in problems
    assert f"a target from {draft.year_to + 1} would never apply" in problems
    assert CriteriaSet.objects.get(pk=draft.pk).status == "draft"


def test_publishing_a_draft_with_several_problems_names_every_one_at_once_with_its_row(tree, personas, national):
    """QA: a draft with several problems showed one at a time: the user fixed it, pressed
    "Publish" again and met the next."""
    from criteria.models import Criterion
    from criteria.services.catalog import PublishRefused

    office = personas.province_office
    clone = criteria_set_clone_for(criteria_set=national, province=tree.province, user=office)  # the State's header
    criterion = Criterion.objects.create(criteria_set=clone, group=clone.groups.get(), number=20, name="Tiêu chí riêng")
    income = clone.indicators.get(code="3.1")
    Target.objects.filter(indicator=income).delete()
    late = Target.objects.create(indicator=clone.indicators.get(code="2.1"), value=85, year=2031)
    _flag(clone, 1)
    with pytest.raises(PublishRefused) as refused:
        criteria_set_publish_checked(criteria_set=clone, user=office)
    blockers = refused.value.blockers
    assert [(b.code, b.row) for b in blockers] == [
        ("unconfirmed", None),
        ("same_decision", clone),
        ("same_name", clone),
        ("same_name", clone),
        ("criterion_without_indicator", criterion),
        ("required_without_target", income),
        ("never_applies", late),
    ]
    assert refused.value.messages == [b.messages[0] for b in blockers]
    assert "Criterion 20 (Tiêu chí riêng) has no required indicator" in refused.value.messages[4]
    assert "Indicator 3.1 (Thu nhập) is required but has no target value" in refused.value.messages[5]
    assert refused.value.messages[6].startswith("Target 2.1 (2031): The set covers the years 2021–2030")
    clone.refresh_from_db()
    assert clone.status == SetStatus.DRAFT


def test_the_catalog_s_publish_names_every_problem_too(tree):
    """The admin's action and the catalog loader ask the same rule (``check_publishable``)."""
    from criteria.models import Criterion
    from criteria.services.catalog import catalog_set_publish

    draft = make_set(code="NATIONAL-DRAFT", publish=False)
    for number in (20, 21):
        Criterion.objects.create(criteria_set=draft, group=draft.groups.get(), number=number, name=f"Riêng {number}")
    with pytest.raises(ValidationError) as refused:
        catalog_set_publish(criteria_set=draft)
    assert [m.split(" (")[0] for m in refused.value.messages] == ["Criterion 20", "Criterion 21"]
