"""A tiny criteria set built in code, for tests that need full control over targets."""

import datetime
from decimal import Decimal

from criteria.models import CriteriaSet, Criterion, CriterionGroup, Indicator, SetStatus, Target
from criteria.services import catalog_set_publish


def make_set(
    *, code="TEST-SET", year_from=2021, year_to=2025, level="commune", tier="standard", publish=True, issuer=None
):
    """Three criteria: 1 (yes/no), 2 (percent ≥ 80, or ≥ 70 in TDMNPB), 3 (income ≥ 40, from 2024 ≥ 45; count ≤ 0)."""
    s = CriteriaSet.objects.create(
        code=code,
        # A province's set is named apart from the State's (check_publishable).
        name="Bộ tiêu chí thử" if issuer is None else f"Bộ tiêu chí thử {code}",
        short_name="Thử" if issuer is None else f"Thử {code}",
        decision_number="1/QĐ-TEST",
        decision_date=datetime.date(2021, 1, 1),
        level=level,
        tier=tier,
        year_from=year_from,
        year_to=year_to,
        status=SetStatus.DRAFT,
        disadvantaged_region="TDMNPB",
        issuer=issuer,
    )
    group = CriterionGroup.objects.create(criteria_set=s, code="I", name="Nhóm I")
    c1 = Criterion.objects.create(criteria_set=s, group=group, number=1, name="Quy hoạch")
    c2 = Criterion.objects.create(criteria_set=s, group=group, number=2, name="Thủy lợi")
    c3 = Criterion.objects.create(criteria_set=s, group=group, number=3, name="Thu nhập")
    Indicator.objects.create(
        criteria_set=s, criterion=c1, code="1.1", name="Có quy hoạch", value_type="yes_no", comparison="met"
    )
    i21 = Indicator.objects.create(
        criteria_set=s,
        criterion=c2,
        code="2.1",
        name="Tỷ lệ tưới tiêu",
        value_type="percent",
        unit="%",
        comparison="gte",
    )
    Indicator.objects.create(
        criteria_set=s, criterion=c2, code="2.2", name="Ghi chú", value_type="number", comparison="gte", required=False
    )
    i31 = Indicator.objects.create(
        criteria_set=s,
        criterion=c3,
        code="3.1",
        name="Thu nhập",
        value_type="number",
        unit="triệu đồng",
        comparison="gte",
    )
    i32 = Indicator.objects.create(
        criteria_set=s, criterion=c3, code="3.2", name="Nhà tạm", value_type="count", comparison="lte"
    )
    Target.objects.create(indicator=i21, value=Decimal(80))
    Target.objects.create(indicator=i21, value=Decimal(70), region="TDMNPB")
    Target.objects.create(indicator=i31, value=Decimal(40))
    if issuer is None or year_from <= 2024 <= year_to:  # a province's set publishes no target it could never apply
        Target.objects.create(indicator=i31, value=Decimal(45), year=2024, to_verify=True)
    Target.objects.create(indicator=i32, value=Decimal(0))
    if publish:
        catalog_set_publish(criteria_set=s)
        s.refresh_from_db()
    return s


def give_own_header(criteria_set, *, name="Bộ tiêu chí của Tỉnh Nghệ Thử", short_name="Nghệ Thử"):
    """What the province office enters on a clone before publishing it: its own decision and names."""
    CriteriaSet.objects.filter(pk=criteria_set.pk).update(
        name=name, short_name=short_name, decision_number="12/2024/QĐ-UBND", decision_date=datetime.date(2024, 5, 2)
    )
    criteria_set.refresh_from_db()
    return criteria_set


def make_flat_set(
    *,
    code: str,
    total: int,
    tier: str = "standard",
    level: str = "commune",
    year_from: int = 2016,
    year_to: int = 2025,
    issuer=None,
    published: bool = False,
) -> CriteriaSet:
    """A set of ``total`` criteria ("Tiêu chí 1" …) without indicators, a draft unless
    ``published`` (as the figures read it: its criteria count, its years, its issuer)."""
    s = CriteriaSet.objects.create(
        code=code,
        name=f"Bộ {code}",
        short_name=code,
        decision_number=f"{code}/QĐ",
        decision_date=datetime.date(year_from, 1, 1),
        level=level,
        tier=tier,
        year_from=year_from,
        year_to=year_to,
        issuer=issuer,
        status=SetStatus.DRAFT,
    )
    group = CriterionGroup.objects.create(criteria_set=s, code="I", name="Nhóm I")
    Criterion.objects.bulk_create(
        Criterion(criteria_set=s, group=group, number=n, name=f"Tiêu chí {n}") for n in range(1, total + 1)
    )
    if published:
        s.status, s.published_at = SetStatus.PUBLISHED, datetime.datetime(year_from, 1, 1, tzinfo=datetime.UTC)
        s.save()
    return s


def typed_summary_record(unit, user):
    """The unit's 2021 standing as typed from a report, with the number mistyped ("25/BC-UBDN"):
    criteria 1 and 3 met, 2 basically met, on a set of 2016–2021 (what a correction starts from)."""
    from criteria.services.summary import assessment_record_summary

    return assessment_record_summary(
        unit=unit,
        criteria_set=make_set(code="OLD", year_from=2016, year_to=2021),
        year=2021,
        met={1, 3},
        basically_met={2},
        source_number="25/BC-UBDN",
        source_date=datetime.date(2022, 3, 15),
        user=user,
    )


def publish_next_version(criteria_set, *, user, decision_number, decision_date, effective_date):
    """The province office's amendment of its own published set, as the workspace makes it: a
    clone (same code, next version) with its own decision and effective date and one target
    changed (an identical version is refused), published."""
    from criteria.services.set_workspace import criteria_set_clone_for, criteria_set_publish_checked

    later = criteria_set_clone_for(criteria_set=criteria_set, province=criteria_set.issuer, user=user)
    CriteriaSet.objects.filter(pk=later.pk).update(
        decision_number=decision_number, decision_date=decision_date, effective_date=effective_date
    )
    later.refresh_from_db()
    Target.objects.filter(indicator__criteria_set=later, indicator__code="2.1", region="").update(value=85)
    unconfirmed = Target.objects.filter(indicator__criteria_set=later, to_verify=True).count()
    return criteria_set_publish_checked(criteria_set=later, user=user, accept_unconfirmed=unconfirmed)
