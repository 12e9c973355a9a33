from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from plans.models import ProvinceTarget, ProvinceTargetChange
from plans.services import ProvinceTargetInput, StaleWriteError, province_target_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("room_for_targets")]


def _data(**overrides):
    values = {
        "period_from": 2021,
        "period_to": 2025,
        "communes_standard": 50,
        "communes_advanced": 10,
        "communes_model": 5,
        "min_criteria": 15,
        "villages_recognised_share": "62,5",
        "basis": "Nghị quyết 05-NQ/TU",
    }
    values.update(overrides)
    return ProvinceTargetInput(**values)


def _save(user, province, **kwargs):
    return province_target_save(province=province, user=user, data=kwargs.pop("data", _data()), **kwargs)


def test_the_province_office_enters_the_targets_of_a_period(tree, personas):
    target = _save(personas.province_office, tree.province)
    target.refresh_from_db()
    assert (target.communes_standard, target.communes_advanced, target.communes_model) == (50, 10, 5)
    assert target.min_criteria == 15
    assert target.villages_recognised_share == Decimal("62.5")
    assert target.entered_by == personas.province_office


@pytest.mark.parametrize("who", ["district_d1", "officer_a", "viewer"])
def test_only_the_province_office_enters_province_targets(tree, personas, who):
    with pytest.raises(PermissionDenied, match="Only the province coordination office"):
        _save(getattr(personas, who), tree.province)
    assert not ProvinceTarget.objects.exists()


def test_province_targets_belong_to_a_province(tree, personas):
    with pytest.raises(ValidationError, match="belong to a province"):
        _save(personas.province_office, tree.d1)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"period_from": 2009}, "period_from", "The period must lie between 2010 and 2035."),
        ({"period_from": 2026}, "period_to", "The period cannot end before it starts."),
        (
            {"communes_standard": -1, "communes_advanced": 0, "communes_model": 0},
            "communes_standard",
            "A number of communes cannot be negative.",
        ),
        (
            {"communes_advanced": 60},
            "communes_advanced",
            "Communes advanced cannot outnumber communes standard: an advanced commune is also standard.",
        ),
        (
            {"communes_model": 11},
            "communes_model",
            "Model communes cannot outnumber advanced communes: a model commune is also advanced.",
        ),
        ({"min_criteria": 0}, "min_criteria", "The minimum number of criteria must be between 1 and 30."),
        (
            {"villages_recognised_share": "120"},
            "villages_recognised_share",
            "Share of villages recognised: a percentage must be between 0 and 100.",
        ),
        (
            {"villages_recognised_share": "62,55"},
            "villages_recognised_share",
            "Share of villages recognised: at most one decimal place is allowed.",
        ),
        ({"basis": ""}, "basis", "Name the decision or plan this target comes from."),
    ],
)
def test_bad_values_are_refused_at_their_field(tree, personas, overrides, field, message):
    with pytest.raises(ValidationError) as exc:
        _save(personas.province_office, tree.province, data=_data(**overrides))
    assert message in exc.value.message_dict[field]


def test_a_period_is_entered_once(tree, personas):
    _save(personas.province_office, tree.province)
    with pytest.raises(ValidationError) as exc:
        _save(personas.province_office, tree.province)
    assert exc.value.message_dict["period_from"] == ["The province already has targets for 2021–2025."]


def test_a_change_carries_the_version_it_was_based_on(tree, personas):
    target = _save(personas.province_office, tree.province)
    changed = _save(
        personas.province_office, tree.province, target=target, expected_version=1, data=_data(communes_standard=60)
    )
    assert (changed.communes_standard, changed.version) == (60, 2)
    with pytest.raises(StaleWriteError, match="changed by province_office in the meantime"):
        _save(
            personas.province_office, tree.province, target=target, expected_version=1, data=_data(communes_standard=70)
        )
    assert ProvinceTarget.objects.get().communes_standard == 60
    # The same figures typed from the older page: saved as they stand, no conflict, no change recorded.
    same = _save(
        personas.province_office, tree.province, target=target, expected_version=1, data=_data(communes_standard=60)
    )
    assert (same.communes_standard, same.version) == (60, 2)


def test_the_database_keeps_the_tiers_nested(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProvinceTarget.objects.create(
            province=tree.province,
            period_from=2021,
            period_to=2025,
            communes_standard=5,
            communes_advanced=6,
            basis="x",
            entered_at="2022-01-01T00:00:00Z",
        )


def test_every_change_of_a_province_target_is_kept_with_the_old_and_new_figures(tree, personas):
    office = personas.province_office
    target = _save(office, tree.province, data=_data(communes_standard=5, communes_advanced=2, communes_model=0))
    _save(
        office,
        tree.province,
        target=target,
        expected_version=1,
        data=_data(period_from=2022, communes_standard=19, communes_advanced=4, communes_model=0),
    )
    first, second = ProvinceTargetChange.objects.filter(target=target).order_by("at", "pk")
    assert first.changes["communes_standard"] == [None, 5]
    assert first.changes["villages_recognised_share"] == [None, "62.5"]
    assert second.changes == {
        "period_from": [2021, 2022],
        "communes_standard": [5, 19],
        "communes_advanced": [2, 4],
    }
    assert second.user == office


def test_saving_a_province_target_unchanged_records_nothing(tree, personas):
    target = _save(personas.province_office, tree.province)
    again = _save(personas.province_office, tree.province, target=target, expected_version=1)
    assert again.version == 1
    assert ProvinceTargetChange.objects.filter(target=target).count() == 1


def test_the_history_of_a_province_target_cannot_be_changed(tree, personas):
    target = _save(personas.province_office, tree.province)
    change = ProvinceTargetChange.objects.get(target=target)
    with pytest.raises(ValidationError, match="append-only"):
        change.save()
    with pytest.raises(ValidationError, match="append-only"):
        ProvinceTargetChange.objects.filter(target=target).delete()


def test_a_one_year_period_taken_is_named_as_a_year(tree, personas):
    _save(personas.province_office, tree.province, data=_data(period_from=2025))
    with pytest.raises(ValidationError) as exc:
        _save(personas.province_office, tree.province, data=_data(period_from=2025))
    assert exc.value.messages == ["The province already has targets for 2025."]


@pytest.mark.parametrize(
    "counts",
    [
        {"communes_standard": 50, "communes_advanced": 0, "communes_model": 3},  # no advanced target
        {"communes_standard": 0, "communes_advanced": 4, "communes_model": 2},  # no standard target
        {"communes_standard": 0, "communes_advanced": 0, "communes_model": 3},  # only a model target
    ],
)
def test_a_tier_without_a_target_does_not_hold_the_tiers_above_it_to_zero(tree, personas, counts):
    """QA: 0 means no target for the tier, yet a model target of 3 with no advanced target was
    refused as outnumbering 0 advanced communes."""
    target = _save(personas.province_office, tree.province, data=_data(**counts))
    assert (target.communes_standard, target.communes_advanced, target.communes_model) == tuple(counts.values())


def test_with_no_advanced_target_the_model_count_is_held_to_the_standard_one(tree, personas):
    with pytest.raises(ValidationError) as exc:
        _save(
            personas.province_office,
            tree.province,
            data=_data(communes_standard=2, communes_advanced=0, communes_model=3),
        )
    assert exc.value.message_dict["communes_model"] == [
        "Model communes cannot outnumber communes standard: a model commune is also standard."
    ]


# --- "No commune under N criteria" and the sets in force (QA: a 20-criteria province set beside
# the national 19, and the 10 of 2026) -----------------------------------------------------------


def test_a_threshold_above_the_criteria_of_the_set_in_force_is_refused_naming_it(scales, personas):
    """QA: "no commune under 15 criteria" for 2026, whose set has 10, was accepted and then
    counted every commune under 15."""
    data = _data(period_from=2026, period_to=2026, min_criteria=15)
    with pytest.raises(ValidationError) as refused:
        _save(personas.province_office, scales.tree.province, data=data)
    assert refused.value.message_dict == {
        "min_criteria": [
            "The criteria set QG-10 (QG-10/QĐ) applied in the year 2026 has 10 criteria: "
            "the threshold must be between 1 and 10."
        ]
    }
    assert not ProvinceTarget.objects.exists()
    assert _save(personas.province_office, scales.tree.province, data=_data(**{**vars(data), "min_criteria": 10}))


def test_a_period_mixing_sets_is_held_to_the_set_with_the_fewest_criteria(scales, personas):
    """2024–2025: the province's own 20 and the national 19 are both in force; a commune on the
    19 can never reach 20, so 20 is refused, naming the 19."""
    with pytest.raises(ValidationError, match=r"QG-19 \(QG-19/QĐ\) applied in the years 2024–2025 has 19 criteria"):
        _save(
            personas.province_office,
            scales.tree.province,
            data=_data(period_from=2024, period_to=2025, min_criteria=20),
        )
    target = _save(
        personas.province_office, scales.tree.province, data=_data(period_from=2024, period_to=2025, min_criteria=19)
    )
    assert target.min_criteria == 19


def test_a_period_reaching_into_the_2026_set_is_held_to_its_10(scales, personas):
    with pytest.raises(ValidationError, match=r"QG-10 .* applied in the years 2026–2030 has 10 criteria"):
        _save(personas.province_office, scales.tree.province, data=_data(period_from=2021, period_to=2030))


def _counts(standard, advanced=0, model=0, **period):
    return _data(communes_standard=standard, communes_advanced=advanced, communes_model=model, **period)


def test_a_count_above_the_communes_the_province_counts_is_refused_at_its_field(merger):
    """QA: 999 communes standard for a province of 22 read "Kế hoạch 999" on the dashboard.
    Province 50 had communes O1 and O2 until 30/06/2025, then M alone."""
    data = _counts(2, 2, 2, period_from=2026, period_to=2030)
    with pytest.raises(ValidationError) as exc:
        province_target_save(province=merger.province, user=merger.office, data=data)
    told = "Tỉnh Sáp Nhập has at most 1 commune during 2026–2030: the target cannot be higher."
    assert exc.value.message_dict == {
        "communes_standard": [told],
        "communes_advanced": [told],
        "communes_model": [told],
    }
    with pytest.raises(ValidationError) as exc:
        province_target_save(
            province=merger.province, user=merger.office, data=_counts(2, period_from=2026, period_to=2026)
        )
    assert exc.value.message_dict == {
        "communes_standard": ["Tỉnh Sáp Nhập has at most 1 commune in 2026: the target cannot be higher."]
    }
    assert not ProvinceTarget.objects.exists()


def test_a_period_before_the_merger_counts_the_communes_the_province_had_then(merger):
    target = province_target_save(province=merger.province, user=merger.office, data=_counts(2, 1, 1))
    assert (target.period_from, target.period_to, target.communes_standard) == (2021, 2025, 2)
    with pytest.raises(ValidationError, match="at most 2 communes during 2024–2025"):
        province_target_save(province=merger.province, user=merger.office, data=_counts(3, period_from=2024))


def test_a_ward_does_not_make_room_for_a_commune_target(merger):
    from communes.models import UnitType
    from communes.tests.factories import CommuneFactory

    CommuneFactory(code="50002", name="Phường Một", type=UnitType.PHUONG, parent=merger.province)
    with pytest.raises(ValidationError, match="at most 1 commune during 2026–2030"):
        province_target_save(
            province=merger.province, user=merger.office, data=_counts(2, period_from=2026, period_to=2030)
        )
