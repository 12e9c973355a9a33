"""Writes to registered targets, province targets and funds: one transaction each.

Who may write (on top of reading the unit, ``communes.access``):

* registered targets — the province office for any district, commune or village of its
  province; the district committee for the communes and villages of its district;
* province targets — the province office only;
* funds — the commune officer (the commune and its villages), the district committee (its
  district and everything below), the province office (its province and everything below).

Every write carries the version it was based on; a stale write is refused
(``ntm_portal.errors.StaleWriteError``, for a target or for cells of funds) and nothing is saved. Errors are Django
``ValidationError``s keyed by field (funds: by cell ``"<month>-<source>"``), with the message
constants below.
"""

from communes.permissions import can_enter_funds, can_enter_province_targets, can_set_registered_target
from ntm_portal.errors import StaleWriteError
from plans.services.funds import (
    MSG_CELL_LABEL,
    MSG_CELL_TWICE,
    MSG_FUNDS_NO_PERMISSION,
    MSG_FUNDS_STALE,
    MSG_MONTH_NOT_BEGUN,
    MSG_MONTH_RANGE,
    MSG_NOTE_TOO_LONG,
    MSG_SOURCE_UNKNOWN,
    MSG_UNIT_ABSENT,
    MSG_YEAR_RANGE,
    FundCell,
    funds_record,
)
from plans.services.targets import (
    MSG_ADVANCED_OVER_STANDARD,
    MSG_BASIS_REQUIRED,
    MSG_COUNT_NEGATIVE,
    MSG_MIN_CRITERIA_OVER_SET,
    MSG_MIN_CRITERIA_RANGE,
    MSG_MODEL_OVER_ADVANCED,
    MSG_NOT_A_PROVINCE,
    MSG_NOTHING_TO_WITHDRAW,
    MSG_PERIOD_ORDER,
    MSG_PERIOD_RANGE,
    MSG_PERIOD_TAKEN,
    MSG_PROVINCE_TARGET_NO_PERMISSION,
    MSG_PROVINCE_TARGET_STALE,
    MSG_REASON_REQUIRED,
    MSG_SHARE_PRECISION,
    MSG_TARGET_LEVEL,
    MSG_TARGET_NO_PERMISSION,
    MSG_TARGET_STALE,
    MSG_TARGET_STALE_WITHDRAW,
    MSG_TARGET_YEAR_RANGE,
    MSG_TIER_AFTER_HIGHER,
    MSG_TIER_BEFORE_LOWER,
    MSG_TIER_UNKNOWN,
    MSG_UNIT_ENDED,
    MSG_UNIT_NOT_BEGUN,
    MSG_VILLAGES_SHARE,
    MSG_WITHDRAW_HIGHER_FIRST,
    PeriodTakenError,
    ProvinceTargetInput,
    province_target_save,
    registered_target_set,
    registered_target_withdraw,
)

__all__ = [
    "MSG_ADVANCED_OVER_STANDARD",
    "MSG_BASIS_REQUIRED",
    "MSG_CELL_LABEL",
    "MSG_CELL_TWICE",
    "MSG_COUNT_NEGATIVE",
    "MSG_FUNDS_NO_PERMISSION",
    "MSG_FUNDS_STALE",
    "MSG_MIN_CRITERIA_OVER_SET",
    "MSG_MIN_CRITERIA_RANGE",
    "MSG_MODEL_OVER_ADVANCED",
    "MSG_MONTH_NOT_BEGUN",
    "MSG_MONTH_RANGE",
    "MSG_NOTE_TOO_LONG",
    "MSG_NOTHING_TO_WITHDRAW",
    "MSG_NOT_A_PROVINCE",
    "MSG_PERIOD_ORDER",
    "MSG_PERIOD_RANGE",
    "MSG_PERIOD_TAKEN",
    "MSG_PROVINCE_TARGET_NO_PERMISSION",
    "MSG_PROVINCE_TARGET_STALE",
    "MSG_REASON_REQUIRED",
    "MSG_SHARE_PRECISION",
    "MSG_SOURCE_UNKNOWN",
    "MSG_TARGET_LEVEL",
    "MSG_TARGET_NO_PERMISSION",
    "MSG_TARGET_STALE",
    "MSG_TARGET_STALE_WITHDRAW",
    "MSG_TARGET_YEAR_RANGE",
    "MSG_TIER_AFTER_HIGHER",
    "MSG_TIER_BEFORE_LOWER",
    "MSG_TIER_UNKNOWN",
    "MSG_UNIT_ABSENT",
    "MSG_UNIT_ENDED",
    "MSG_UNIT_NOT_BEGUN",
    "MSG_VILLAGES_SHARE",
    "MSG_WITHDRAW_HIGHER_FIRST",
    "MSG_YEAR_RANGE",
    "FundCell",
    "PeriodTakenError",
    "ProvinceTargetInput",
    "StaleWriteError",
    "can_enter_funds",
    "can_enter_province_targets",
    "can_set_registered_target",
    "funds_record",
    "province_target_save",
    "registered_target_set",
    "registered_target_withdraw",
]
