"""The named entry point for trusted loaders: programs that write data they vouch for.

The portal's services check who may write (``communes.access``) before anything else. A few
writers are not a person at a page: the demo's seeder (writing as the demo's officers, dated in
the past), the portal's own derived values (worked out from recognition decisions, written as
no one), a summary record opening its assessment after its own check. They come through these
functions, which apply every rule of the services — sets and years, editable states, targets,
history, logs — except the role check, and nothing else passes the services' ``_trusted``.
A page, the API, the import and the workflow never call this module (a test holds that).
"""

from __future__ import annotations

from criteria.services.assessments import assessment_create, assessment_record_values
from criteria.services.recording import assessments_record_values
from criteria.services.standing import criterion_set_basically_met
from criteria.services.summary import assessment_record_summary


def create_assessment(**kwargs):
    """``assessment_create`` for a trusted loader."""
    return assessment_create(**kwargs, _trusted=True)


def record_values(**kwargs):
    """``assessment_record_values`` (one assessment) for a trusted loader."""
    return assessment_record_values(**kwargs, _trusted=True)


def record_values_batch(**kwargs):
    """``assessments_record_values`` (a batch) for a trusted loader."""
    return assessments_record_values(**kwargs, _trusted=True)


def set_basically_met(**kwargs):
    """``criterion_set_basically_met`` for a trusted loader."""
    return criterion_set_basically_met(**kwargs, _trusted=True)


def record_summary(**kwargs):
    """``assessment_record_summary`` for a trusted loader."""
    return assessment_record_summary(**kwargs, _trusted=True)
