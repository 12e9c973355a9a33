"""Labels a Vietnamese page shows from the models: each one a translation, never a field's name
in English ('Position', 'Indicator' on the set editor's forms)."""

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from criteria.forms_sets import CriterionForm, GroupForm, IndicatorForm, NewSetForm, SetHeaderForm, TargetForm

pytestmark = pytest.mark.django_db

FORMS = [GroupForm, CriterionForm, IndicatorForm, TargetForm, NewSetForm, SetHeaderForm]


def build(form_class, criteria_set):
    try:
        return form_class(criteria_set=criteria_set)
    except TypeError:
        return form_class()


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
def test_every_label_of_the_set_editors_forms_is_translated(form_class, criteria_set):
    untranslated = [
        name
        for name, field in build(form_class, criteria_set).fields.items()
        if not field.widget.is_hidden and not isinstance(field.label, Promise)  # a hidden field shows no label
    ]
    assert untranslated == []


def test_the_group_and_target_forms_name_position_and_indicator_through_the_catalogue(criteria_set):
    with translation.override("en"):
        assert str(build(GroupForm, criteria_set).fields["position"].label) == "Position"
        assert str(build(TargetForm, criteria_set).fields["indicator"].label) == "Indicator"
    with translation.override("vi"):
        # "indicator" is in the catalogue: the label follows the language it is shown in.
        assert str(build(TargetForm, criteria_set).fields["indicator"].label) == "Chỉ tiêu"


def test_every_model_field_of_the_criteria_app_has_a_translated_name():
    untranslated = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("criteria").get_models()
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name") and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []


def test_the_portals_own_section_of_the_admin_is_named_through_the_catalogue():
    config = apps.get_app_config("ntm_portal")
    assert isinstance(config.verbose_name, Promise)
    with translation.override("vi"):
        assert str(config.verbose_name) == "Cổng thông tin Nông thôn mới"
