import datetime
import shutil
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from criteria.models import CriteriaSet, Criterion, Indicator, SetStatus, Target
from criteria.services import catalog_load_dir, catalog_set_clone, catalog_set_publish
from criteria.services.catalog import CATALOG_DIR
from criteria.tests.factories import make_set

pytestmark = pytest.mark.django_db

EXPECTED = {
    # code: (criteria, level, tier, years)
    "QD1980-2016-XA-NTM": (19, "commune", "standard", (2016, 2020)),
    "QD318-2022-XA-NTM": (19, "commune", "standard", (2021, 2025)),
    "QD318-2022-XA-NTM-NC": (19, "commune", "advanced", (2021, 2025)),
    "QD319-2022-XA-NTM-KM": (4, "commune", "model", (2021, 2025)),
    "QD558-2016-HUYEN-NTM": (9, "district", "standard", (2016, 2020)),
    "QD320-2022-HUYEN-NTM": (9, "district", "standard", (2021, 2025)),
    "QD51-2025-XA-NTM": (10, "commune", "standard", (2026, 2030)),
}
QD318_NAMES = [
    "Quy hoạch", "Giao thông", "Thủy lợi và phòng, chống thiên tai", "Điện", "Trường học", "Cơ sở vật chất văn hóa",
    "Cơ sở hạ tầng thương mại nông thôn", "Thông tin và Truyền thông", "Nhà ở dân cư", "Thu nhập", "Nghèo đa chiều",
    "Lao động", "Tổ chức sản xuất và phát triển kinh tế nông thôn", "Giáo dục và Đào tạo", "Y tế", "Văn hóa",
    "Môi trường và an toàn thực phẩm", "Hệ thống chính trị và tiếp cận pháp luật", "Quốc phòng và An ninh",
]  # fmt: skip


@pytest.fixture
def catalog(db):
    return {r.criteria_set.code: r.criteria_set for r in catalog_load_dir()}


def test_the_catalog_holds_every_required_set_with_its_criteria_count(catalog):
    for code, (count, level, tier, years) in EXPECTED.items():
        s = catalog[code]
        assert (s.criteria.count(), s.level, s.tier, (s.year_from, s.year_to)) == (count, level, tier, years), code
        assert s.status == SetStatus.PUBLISHED
        assert s.issuer is None


def test_qd318_criteria_are_named_and_grouped_as_in_the_decision(catalog):
    s = catalog["QD318-2022-XA-NTM"]
    assert [c.name for c in s.criteria.order_by("number")] == QD318_NAMES
    groups = {c.number: c.group.name for c in s.criteria.select_related("group")}
    assert (
        groups[1] == "Quy hoạch" and groups[10] == "Kinh tế và tổ chức sản xuất" and groups[19] == "Hệ thống chính trị"
    )
    assert s.supersedes.code == "QD1980-2016-XA-NTM"
    assert s.disadvantaged_region == "TDMNPB"


def test_qd51_has_47_indicators_and_leaves_targets_to_the_province(catalog):
    s = catalog["QD51-2025-XA-NTM"]
    assert s.indicators.count() == 47
    assert s.target_basis == "group"
    assert s.indicators.filter(target_by_province=True).exists()


def test_confirmed_and_unconfirmed_targets_are_flagged(catalog):
    s = catalog["QD318-2022-XA-NTM"]
    irrigation = Target.objects.get(indicator__criteria_set=s, indicator__code="3.1")
    assert (irrigation.value, irrigation.to_verify) == (80, False)
    assert Target.objects.filter(indicator__criteria_set=s, to_verify=True).exists()
    income_1980 = Target.objects.get(
        indicator__criteria_set=catalog["QD1980-2016-XA-NTM"], indicator__code="10.1", region="DBSH"
    )
    assert (income_1980.value, income_1980.to_verify) == (50, False)


def test_loading_the_catalog_twice_changes_nothing(catalog, capsys):
    counts = (CriteriaSet.objects.count(), Indicator.objects.count(), Target.objects.count())
    call_command("load_catalog")
    assert "0 set(s) loaded, 7 unchanged" in capsys.readouterr().out
    assert (CriteriaSet.objects.count(), Indicator.objects.count(), Target.objects.count()) == counts


def test_a_changed_file_for_a_published_version_is_refused(catalog, tmp_path):
    for f in Path(CATALOG_DIR).glob("*.toml"):
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "qd318-2022-commune-standard.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('name = "Điện"', 'name = "Điện lực"'), encoding="utf-8")
    with pytest.raises(CommandError, match="published sets never change"):
        call_command("load_catalog", "--dir", str(tmp_path))
    assert Criterion.objects.get(criteria_set=catalog["QD318-2022-XA-NTM"], number=4).name == "Điện"


def test_load_catalog_refuses_a_set_with_a_criterion_without_indicator(db, tmp_path):
    """A criterion with no required indicator can never be met: such a file is not loaded."""
    source = Path(CATALOG_DIR) / "qd558-2016-district.toml"
    path = tmp_path / source.name
    path.write_text(
        source.read_text(encoding="utf-8")
        + '\n[[criteria]]\nnumber = 10\nname = "Tiêu chí trống"\ngroup = "A"\nindicators = []\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"qd558-2016-district.toml: Criterion 10 \(Tiêu chí trống\) has no"):
        call_command("load_catalog", "--dir", str(tmp_path))
    assert not CriteriaSet.objects.exists()


def test_a_published_set_cannot_be_changed(catalog):
    s = catalog["QD318-2022-XA-NTM"]
    criterion = s.criteria.get(number=4)
    criterion.name = "Điện lực"
    with pytest.raises(ValidationError, match="clone it"):
        criterion.save()
    target = Target.objects.filter(indicator__criteria_set=s).first()
    target.value = 1
    with pytest.raises(ValidationError, match="clone it"):
        target.save()
    s.year_to = 2030
    with pytest.raises(ValidationError, match="clone it"):
        s.save()
    with pytest.raises(ValidationError, match="clone it"):
        Indicator.objects.filter(criteria_set=s).first().delete()


def test_cloning_makes_an_editable_draft_version_that_can_then_be_published(catalog):
    original = catalog["QD318-2022-XA-NTM"]
    draft = catalog_set_clone(
        criteria_set=original,
        decision_number="211/QĐ-TTg",
        decision_date=datetime.date(2024, 3, 1),
        effective_date=datetime.date(2024, 3, 1),
        year_from=2024,
    )
    assert (draft.code, draft.version, draft.status, draft.supersedes) == (original.code, 2, SetStatus.DRAFT, original)
    assert draft.indicators.count() == original.indicators.count()
    assert (
        Target.objects.filter(indicator__criteria_set=draft).count()
        == Target.objects.filter(indicator__criteria_set=original).count()
    )
    criterion = draft.criteria.get(number=4)
    criterion.name = "Điện (sửa đổi)"
    criterion.save()
    catalog_set_publish(criteria_set=draft)
    draft.refresh_from_db()
    assert draft.status == SetStatus.PUBLISHED and draft.published_at is not None
    assert original.criteria.get(number=4).name == "Điện"
    with pytest.raises(ValidationError, match="already published"):
        catalog_set_publish(criteria_set=draft)


def test_a_province_version_must_fill_the_targets_left_to_it(catalog, tree):
    national = catalog["QD51-2025-XA-NTM"]
    own = catalog_set_clone(criteria_set=national, issuer=tree.province, code="QD51-2025-XA-NTM-40")
    assert (own.version, own.issuer) == (1, tree.province)
    with pytest.raises(ValidationError, match="has no target"):
        catalog_set_publish(criteria_set=own, require_targets=True)


def test_a_province_version_cannot_come_into_force_before_its_own_decision(catalog, tree):
    """QA: the demo's version of QĐ 51/2025, decided on 20/02/2026, kept the national 15/02/2026."""
    national = catalog["QD51-2025-XA-NTM"]
    with pytest.raises(ValidationError) as refused:
        catalog_set_clone(
            criteria_set=national,
            issuer=tree.province,
            code="QD51-2025-XA-NTM-40",
            decision_number="05/2026/QĐ-UBND",
            decision_date=datetime.date(2026, 2, 20),
        )
    assert refused.value.message_dict == {
        "effective_date": ["A criteria set comes into force on or after its decision date (20/02/2026)."]
    }
    assert not CriteriaSet.objects.filter(code="QD51-2025-XA-NTM-40").exists()
    own = catalog_set_clone(
        criteria_set=national,
        issuer=tree.province,
        code="QD51-2025-XA-NTM-40",
        decision_number="05/2026/QĐ-UBND",
        decision_date=datetime.date(2026, 2, 20),
        effective_date=datetime.date(2026, 3, 2),
    )
    assert (own.decision_date, own.effective_date) == (datetime.date(2026, 2, 20), datetime.date(2026, 3, 2))
    assert own.indicators.count() == national.indicators.count()


def test_in_force_prefers_the_province_own_set_then_the_state(catalog, tree):
    own = make_set(code="OWN", year_from=2021, year_to=2025, tier="advanced", issuer=tree.province)
    in_force = CriteriaSet.objects.in_force(year=2023, level="commune", tier="advanced", province=tree.province)
    assert in_force.first() == own
    national = CriteriaSet.objects.in_force(year=2023, level="commune", tier="advanced")
    assert national.first().code == "QD318-2022-XA-NTM-NC"
    assert (
        CriteriaSet.objects.in_force(year=2019, level="commune", tier="standard").first().code == "QD1980-2016-XA-NTM"
    )
    assert not CriteriaSet.objects.in_force(year=2009, level="commune", tier="standard").exists()


def test_every_catalog_target_can_be_reached_by_a_value_an_officer_may_enter(catalog):
    """A percent target above 100 (or a negative count target) could never be met."""
    for target in Target.objects.select_related("indicator"):
        if target.value is None:
            continue
        if target.indicator.value_type == "percent":
            assert 0 <= target.value <= 100, target
        if target.indicator.value_type in ("count", "money"):
            assert target.value >= 0, target
