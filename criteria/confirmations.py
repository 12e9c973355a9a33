"""What a workflow action will do, said before it is done (see ntm_portal.confirm).

Submitting locks the values, recognising puts a unit on every dashboard and bulletin as
recognised, revoking takes it off again: each is asked for in words first. The other actions
(verify, return, appraise) move the file along between reviewers and are not asked again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.people import full_name
from criteria.models import Assessment, Tier
from criteria.selectors import last_value_change, values_stamp

CONFIRMED_ACTIONS = frozenset({"submit", "recognise", "record_recognition", "revoke"})

# What a recognition gives, per tier, in the decisions' own words ("đạt chuẩn nông thôn mới nâng
# cao"), not "meeting the Standard standard" with the tier's label put in.
RECOGNISE_TITLES = {
    Tier.STANDARD: gettext_lazy("Recognise %(unit)s as meeting the NTM standard for %(year)s?"),
    Tier.ADVANCED: gettext_lazy("Recognise %(unit)s as meeting the advanced NTM standard for %(year)s?"),
    Tier.MODEL: gettext_lazy("Recognise %(unit)s as meeting the model NTM standard for %(year)s?"),
}


@dataclass(frozen=True)
class Confirmation:
    title: str
    consequences: list[str]
    button: str
    danger: bool = False
    # The mark of the values its figures were read from (selectors.values_stamp), posted back
    # with the "yes"; empty when it shows no figures of the values.
    stamp: str = ""
    # Said first when it is shown again because those figures changed meanwhile.
    changed: str = ""


def shown_again(confirmation: Confirmation, assessment: Assessment) -> Confirmation:
    """``confirmation`` with its new figures, saying first that the values changed since it was
    shown, and who saved the last of them, when."""
    last = last_value_change(assessment)
    said = {
        "user": full_name(last.updated_by) if last and last.updated_by else "—",
        "at": formats.date_format(timezone.localtime(last.updated_at), "SHORT_DATETIME_FORMAT") if last else "—",
    }
    return replace(
        confirmation,
        changed=_(
            "The values changed since you were asked: %(user)s saved the last change, at %(at)s. The figures below are the new ones; confirm again if they are still right."
        )
        % said,
    )


def _date_text(day: datetime.date | None) -> str:
    """A decision's date as the confirmation shows it ("—" when not given yet)."""
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else "—"


def confirmation_for(action: str, assessment: Assessment, data: dict) -> Confirmation | None:
    """The confirmation to show before ``action``, or None when it needs none."""
    if action not in CONFIRMED_ACTIONS:
        return None
    names = {
        "unit": assessment.unit.name,
        "year": assessment.year,
        "set": assessment.criteria_set.short_name,
    }
    if action == "submit":
        met = {"met": assessment.criteria_met, "total": assessment.criteria_total}
        return Confirmation(
            title=_("Submit the self-assessment of %(unit)s for %(year)s?") % names,
            consequences=[
                _("The self-assessment (%(set)s) goes to the steering committee above for verification.") % names,
                _("Values and evidence can no longer be changed, unless it is returned to you."),
                _("As it stands: %(met)s of %(total)s criteria met.") % met,
            ],
            button=_("Yes, submit"),
            stamp=values_stamp(assessment),
        )
    if action in ("recognise", "record_recognition"):
        decision = {
            "number": data.get("decision_number") or "—",
            "date": _date_text(data.get("decision_date")),
        }
        return Confirmation(
            title=str(RECOGNISE_TITLES[Tier(assessment.tier)]) % names,
            consequences=[
                _("Decision %(number)s of %(date)s is recorded on the assessment.") % decision,
                _(
                    "From the decision's date %(unit)s holds the title on the dashboards, in the exports and in the "
                    "monthly bulletins."
                )
                % names,
                _("Only revoking the recognition undoes this; the history keeps both."),
            ],
            button=_("Yes, recognise"),
        )
    decision = {
        "number": assessment.decision_number or "—",
        "date": _date_text(assessment.decision_date),
        "revocation": data.get("decision_number") or "—",
        "revoked_on": _date_text(data.get("decision_date")),
    }
    return Confirmation(
        title=_("Revoke the recognition of %(unit)s for %(year)s?") % names,
        consequences=[
            _(
                "The recognition by decision %(number)s of %(date)s is revoked by decision %(revocation)s of "
                "%(revoked_on)s: from that day %(unit)s no longer holds the title."
            )
            % {**decision, **names},
            _(
                "%(unit)s no longer counts as recognised on the dashboards and in later bulletins; bulletins already issued stay as they were."
            )
            % names,
            _("The history keeps the decision, the revocation and your comment."),
        ],
        button=_("Yes, revoke the recognition"),
        danger=True,
    )
