"""The criteria catalog's files: load the TOML sets as published sets, refuse a changed one."""

from __future__ import annotations

import datetime
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit
from criteria.models import (
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Indicator,
    SetStatus,
    Target,
)
from criteria.services.catalog.versions import check_publishable

CATALOG_DIR = Path(__file__).resolve().parent.parent.parent / "catalog"


class CatalogError(Exception):
    """A catalog file that cannot be loaded; the message names the file and the problem."""


@dataclass(frozen=True)
class LoadResult:
    criteria_set: CriteriaSet
    created: bool


def _snapshot(criteria_set: CriteriaSet) -> dict:
    """The content of a stored set, in the shape of a catalog file, to compare with one."""
    groups = list(criteria_set.groups.order_by("position"))
    return {
        "set": _set_fields_of(criteria_set),
        "groups": [(g.code, g.name) for g in groups],
        "criteria": [
            (
                c.number,
                c.name,
                c.group.code,
                [
                    (
                        i.code,
                        i.name,
                        i.value_type,
                        i.unit,
                        i.comparison,
                        i.required,
                        i.target_by_province,
                        i.derived,
                        i.conditional,
                        sorted(
                            (
                                str(t.value.normalize()) if t.value is not None else "",
                                t.region,
                                t.commune_group or 0,
                                t.year or 0,
                                t.to_verify,
                            )
                            for t in i.targets.all()
                        ),
                    )
                    for i in c.indicators.order_by("position")
                ],
            )
            for c in criteria_set.criteria.select_related("group")
            .prefetch_related("indicators__targets")
            .order_by("number")
        ],
    }


def _set_fields_of(s: CriteriaSet) -> dict:
    return {
        "name": s.name,
        "short_name": s.short_name,
        "decision_number": s.decision_number,
        "decision_date": s.decision_date,
        "effective_date": s.effective_date,
        "level": s.level,
        "tier": s.tier,
        "year_from": s.year_from,
        "year_to": s.year_to,
        "target_basis": s.target_basis,
        "disadvantaged_region": s.disadvantaged_region,
        "notes": s.notes,
        "issuer_id": s.issuer_id,
        "supersedes_id": s.supersedes_id,
    }


def _decimal(value, where: str) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise CatalogError(f"{where}: target value {value!r} is not a number") from None


def _parse(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError(f"{path.name}: {exc}") from None


def _resolve(data: dict, path: Path) -> tuple[dict, dict]:
    """Set fields and content from a parsed file; foreign codes resolved to ids."""
    where = path.name
    try:
        issuer_id = None
        if data.get("issuer", "state") != "state":
            issuer_id = AdministrativeUnit.objects.get(code=data["issuer"]).pk
        supersedes_id = None
        if data.get("supersedes"):
            superseded = CriteriaSet.objects.filter(code=data["supersedes"]).order_by("-version").first()
            if superseded is None:
                raise CatalogError(f"{where}: supersedes unknown set {data['supersedes']!r} (load it first)")
            supersedes_id = superseded.pk
        fields = {
            "name": data["name"],
            "short_name": data["short_name"],
            "decision_number": data["decision_number"],
            "decision_date": data["decision_date"],
            "effective_date": data.get("effective_date"),
            "level": data["level"],
            "tier": data["tier"],
            "year_from": data["year_from"],
            "year_to": data["year_to"],
            "target_basis": data.get("target_basis", "region"),
            "disadvantaged_region": data.get("disadvantaged_region", ""),
            "notes": data.get("notes", ""),
            "issuer_id": issuer_id,
            "supersedes_id": supersedes_id,
        }
        groups = [(g["code"], g["name"]) for g in data["groups"]]
        criteria = []
        for c in data["criteria"]:
            indicators = []
            for i in c["indicators"]:
                targets = sorted(
                    (
                        str(_decimal(t["value"], f"{where} {i['code']}").normalize()),
                        t.get("region", ""),
                        t.get("group", 0),
                        t.get("year", 0),
                        t.get("to_verify", False),
                    )
                    for t in i.get("targets", [])
                )
                indicators.append(
                    (
                        i["code"],
                        i["name"],
                        i["value_type"],
                        i.get("unit", ""),
                        i["comparison"],
                        i.get("required", True),
                        i.get("target_by_province", False),
                        i.get("derived", ""),
                        i.get("conditional", False),
                        targets,
                    )
                )
            criteria.append((c["number"], c["name"], c["group"], indicators))
    except KeyError as exc:
        raise CatalogError(f"{where}: missing key {exc}") from None
    except AdministrativeUnit.DoesNotExist:
        raise CatalogError(f"{where}: issuer {data.get('issuer')!r} is not a known unit code") from None
    if isinstance(fields["decision_date"], datetime.datetime) or not isinstance(fields["decision_date"], datetime.date):
        raise CatalogError(f"{where}: decision_date must be a TOML date")
    return fields, {"set": fields, "groups": groups, "criteria": criteria}


def _create_content(criteria_set: CriteriaSet, content: dict) -> None:
    """Create groups, criteria, indicators and targets in a few bulk inserts (the set is a draft)."""
    groups = CriterionGroup.objects.bulk_create(
        CriterionGroup(criteria_set=criteria_set, code=code, name=name, position=position)
        for position, (code, name) in enumerate(content["groups"])
    )
    group_by_code = {g.code: g for g in groups}
    criteria = []
    for number, name, group_code, _indicators in content["criteria"]:
        if group_code not in group_by_code:
            raise CatalogError(f"{criteria_set.code}: criterion {number} names unknown group {group_code!r}")
        criteria.append(Criterion(criteria_set=criteria_set, group=group_by_code[group_code], number=number, name=name))
    Criterion.objects.bulk_create(criteria)

    indicators, targets = [], []
    for criterion, (_number, _name, _group, rows) in zip(criteria, content["criteria"], strict=True):
        for position, (
            code,
            iname,
            value_type,
            unit,
            comparison,
            required,
            by_province,
            derived,
            conditional,
            target_rows,
        ) in enumerate(rows):
            indicator = Indicator(
                criteria_set=criteria_set,
                criterion=criterion,
                code=code,
                name=iname,
                value_type=value_type,
                unit=unit,
                comparison=comparison,
                required=required,
                target_by_province=by_province,
                derived=derived,
                conditional=conditional,
                position=position,
            )
            try:
                indicator.full_clean(exclude=["criteria_set", "criterion"], validate_constraints=False)
                # The database constraints say the same; checked here to name the file's row.
                if (comparison == "met") != (value_type == "yes_no") and comparison != "eq":
                    raise ValidationError(_("A yes/no indicator is compared by “met” or “=”, and only it by “met”."))
            except ValidationError as exc:
                raise CatalogError(f"{criteria_set.code} {code}: {'; '.join(exc.messages)}") from None
            indicators.append(indicator)
            targets.extend(
                (indicator, value, region, group, year, to_verify)
                for value, region, group, year, to_verify in target_rows
            )
    Indicator.objects.bulk_create(indicators)
    Target.objects.bulk_create(
        Target(
            indicator=indicator,
            value=Decimal(value) if value != "" else None,
            region=region,
            commune_group=group or None,
            year=year or None,
            to_verify=to_verify,
        )
        for indicator, value, region, group, year, to_verify in targets
    )


@transaction.atomic
def catalog_load_file(path: Path) -> LoadResult:
    """Load one catalog file as a published set; a file already loaded unchanged is a no-op.

    A published set is never altered: if the file differs from what is stored, loading stops
    with an error asking for a new ``version`` in the file.
    """
    data = _parse(path)
    fields, content = _resolve(data, path)
    code, version = data["code"], data.get("version", 1)
    existing = CriteriaSet.objects.filter(code=code, version=version).first()
    if existing is not None:
        if _snapshot(existing) != content:
            raise CatalogError(
                f"{path.name}: {code} v{version} is already stored and differs from this file; "
                "published sets never change: raise 'version' in the file for an amendment"
            )
        return LoadResult(existing, created=False)
    criteria_set = CriteriaSet(code=code, version=version, source_file=path.name, **fields)
    try:
        criteria_set.full_clean(exclude=["issuer", "supersedes"])
    except ValidationError as exc:
        raise CatalogError(f"{path.name}: {'; '.join(exc.messages)}") from None
    criteria_set.save()
    _create_content(criteria_set, content)
    try:
        check_publishable(criteria_set)  # the rules of the workspace's publish, for files too
    except ValidationError as exc:
        raise CatalogError(f"{path.name}: {'; '.join(exc.messages)}") from None
    criteria_set.status = SetStatus.PUBLISHED
    criteria_set.published_at = timezone.now()
    criteria_set.save(update_fields=["status", "published_at"])
    return LoadResult(criteria_set, created=True)


def catalog_load_dir(directory: Path = CATALOG_DIR) -> list[LoadResult]:
    """Load every ``*.toml`` in the directory, superseded sets first."""
    files = sorted(directory.glob("*.toml"))
    pending = {f: _parse(f) for f in files}
    loaded_codes = set(CriteriaSet.objects.values_list("code", flat=True))
    results = []
    while pending:
        ready = [f for f, d in pending.items() if not d.get("supersedes") or d["supersedes"] in loaded_codes]
        if not ready:
            names = ", ".join(f.name for f in pending)
            raise CatalogError(f"cannot order {names}: they supersede sets that are not in the catalog")
        for f in ready:
            results.append(catalog_load_file(f))
            loaded_codes.add(pending.pop(f)["code"])
    return results
