"""Writes to the catalog and to assessments; each public function is one transaction.

``catalog``: load the TOML catalog, clone a set as a new draft version, publish.
``assessments``: start an assessment, change state; ``recording``: record values, for one
assessment or a batch (with recomputation through ``results`` and history).
"""

from criteria.services.assessments import (
    MSG_LOCKED,
    MSG_NO_PERMISSION,
    MSG_STALE,
    MSG_UNKNOWN_INDICATOR,
    MSG_YEAR_OUTSIDE_SET,
    ValueEntry,
    assessment_create,
    assessment_recompute,
    assessment_record_values,
    assessment_set_state,
    assessment_start,
    assessments_record_values,
    criteria_set_in_force,
    indicator_value_record,
    province_of,
)
from criteria.services.catalog import (
    MSG_ALREADY_PUBLISHED,
    MSG_EMPTY_SET,
    CatalogError,
    catalog_load_dir,
    catalog_load_file,
    catalog_set_clone,
    catalog_set_publish,
)
from criteria.services.evidence import evidence_attach
from criteria.services.standing import criterion_set_basically_met
from criteria.services.workflow import (
    ACTIONS,
    assessment_transition,
    available_actions,
    check_role,
    missing_required,
)
from ntm_portal.errors import StaleWriteError

__all__ = [
    "ACTIONS",
    "MSG_ALREADY_PUBLISHED",
    "MSG_EMPTY_SET",
    "MSG_LOCKED",
    "MSG_NO_PERMISSION",
    "MSG_STALE",
    "MSG_UNKNOWN_INDICATOR",
    "MSG_YEAR_OUTSIDE_SET",
    "CatalogError",
    "StaleWriteError",
    "ValueEntry",
    "assessment_create",
    "assessment_recompute",
    "assessment_record_values",
    "assessment_set_state",
    "assessment_start",
    "assessment_transition",
    "assessments_record_values",
    "available_actions",
    "catalog_load_dir",
    "catalog_load_file",
    "catalog_set_clone",
    "catalog_set_publish",
    "check_role",
    "criteria_set_in_force",
    "criterion_set_basically_met",
    "evidence_attach",
    "indicator_value_record",
    "missing_required",
    "province_of",
]
