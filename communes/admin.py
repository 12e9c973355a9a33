import datetime
import functools
import operator

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Least
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from communes.filters import search_q, search_rank
from communes.models import AdministrativeUnit, Level, Membership, UnitSuccession
from communes.people import MSG_USERNAME_TAKEN, full_name, username_holder, users_matching
from communes.text import fold


class WithinUnitFilter(admin.SimpleListFilter):
    """Everything below a chosen province or district (the subtree, not only direct children)."""

    title = _("within")
    parameter_name = "within"

    def lookups(self, request, model_admin):
        units = AdministrativeUnit.objects.filter(level__in=[Level.PROVINCE, Level.DISTRICT]).order_by("path")
        return [
            (u.code, ("— " if u.level == Level.DISTRICT else "") + u.name) for u in units.only("code", "name", "level")
        ]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        unit = AdministrativeUnit.objects.filter(code=self.value()).first()
        return queryset.subtree(unit) if unit else queryset.none()


class UnitSearchMixin:
    """Admin search as the portal searches units (``filters.search_q``): a folded name (“cam
    thach” finds “Cẩm Thạch”), a code, its ``-cu`` form or a code prefix, best match first
    (``filters.search_rank``) unless the admin sorts by a column.

    ``unit_search_paths``: the units searched, as lookups from the model ("" for a unit itself,
    "unit__" for what belongs to one; several: any of them, ranked by the best)."""

    search_fields = ["code"]  # turns the search box on; the search itself is below
    unit_search_paths: tuple[str, ...] = ("",)

    def _unit_search_found(self, search_term: str) -> Q:
        return functools.reduce(operator.or_, (search_q(search_term, path) for path in self.unit_search_paths))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        if not fold(search_term):
            return queryset, False
        # No ordering here: the change list has ordered the queryset already (get_ordering).
        return queryset.filter(self._unit_search_found(search_term)), False

    def get_ordering(self, request: HttpRequest):
        ordering = list(super().get_ordering(request) or self.model._meta.ordering)
        term = _search_term_of(request)
        if not fold(term):
            return ordering
        ranks = [search_rank(term, path) for path in self.unit_search_paths]
        return [ranks[0] if len(ranks) == 1 else Least(*ranks), *ordering]


def _search_term_of(request: HttpRequest) -> str:
    """What the admin searches for: the change list's box, or what is typed in an autocomplete."""
    match = request.resolver_match
    if match is not None and match.url_name == "autocomplete":
        return request.GET.get("term", "")
    return request.GET.get(SEARCH_VAR, "")


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(UnitSearchMixin, admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "type",
        "region",
        "commune_group",
        "parent",
        "tree_path",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["level", "region", WithinUnitFilter, "commune_group", "especially_disadvantaged"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    # The commune group changes only with its legal basis and history (the commune's
    # "commune group" page, criteria.services.commune_groups), never as a bare number here.
    readonly_fields = ["tree_path", "lineage", "commune_group", "created_at", "updated_at"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["code", "name", "level", "type", "parent", "tree_path"]}),
        (_("Thresholds"), {"fields": ["region", "commune_group", "especially_disadvantaged"]}),
        (_("History"), {"fields": ["valid_from", "valid_to", "lineage", "created_at", "updated_at"]}),
        (_("Map"), {"fields": ["latitude", "longitude"]}),
    ]

    @admin.display(description=_("tree path"), ordering="path")
    def tree_path(self, obj: AdministrativeUnit) -> str:
        return " › ".join([*obj.ancestor_codes(), obj.code]) if obj.path else "—"

    @admin.display(description=_("formed from / merged into"))
    def lineage(self, obj: AdministrativeUnit) -> str:
        if not obj.pk:
            return "—"
        before = ", ".join(str(u) for u in obj.predecessors())
        after = ", ".join(
            _("%(unit)s (main part)") % {"unit": s.successor} if s.main_part else str(s.successor)
            for s in obj.successions_as_predecessor.select_related("successor").order_by(
                "-main_part", "successor__name"
            )
        )
        return (
            " · ".join(
                part
                for part in [
                    _("formed from: %(units)s") % {"units": before} if before else "",
                    _("merged into: %(units)s") % {"units": after} if after else "",
                ]
                if part
            )
            or "—"
        )


class SuccessionDateFilter(admin.SimpleListFilter):
    """The dates successions took effect (a handful: 01/07/2025 for the 2025 reorganisation)."""

    title = _("effective date")
    parameter_name = "on"

    def lookups(self, request, model_admin):
        days = UnitSuccession.objects.order_by("-date").values_list("date", flat=True).distinct()
        return [(day.isoformat(), date_format(day, "SHORT_DATE_FORMAT")) for day in days]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            return queryset.filter(date=datetime.date.fromisoformat(self.value()))
        except ValueError:
            return queryset.none()


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(UnitSearchMixin, admin.ModelAdmin):
    list_display = ["predecessor", "successor", "date", "main_part", "decision"]
    list_filter = [SuccessionDateFilter, "main_part", ("successor__level", admin.ChoicesFieldListFilter)]
    autocomplete_fields = ["predecessor", "successor"]
    list_select_related = ["predecessor", "successor"]
    date_hierarchy = "date"
    search_help_text = _("Code or name of the unit before or after (no diacritics needed).")
    unit_search_paths = ("predecessor__", "successor__")


@admin.register(Membership)
class MembershipAdmin(UnitSearchMixin, admin.ModelAdmin):
    """Searched by the person (``users_matching``) or by the unit, both without diacritics."""

    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role", "unit__level"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
    search_help_text = _("Login name, full name, e-mail, or the unit's code or name (no diacritics needed).")
    unit_search_paths = ("unit__",)

    def get_search_results(self, request, queryset, search_term):
        if not fold(search_term):
            return queryset, False
        people = users_matching(get_user_model().objects.all(), search_term)
        return queryset.filter(Q(user__in=people) | self._unit_search_found(search_term)), False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


class UsernameIgnoringCaseMixin:
    """A login name may not repeat another one in other capitals ("Tinh" beside "tinh" would be
    two accounts signing in as different people): on adding and on renaming alike."""

    def clean_username(self):
        # In place of the creation form's own ``iexact`` check: ASCII only on SQLite.
        username = self.cleaned_data.get("username")
        if username:
            existing = username_holder(username, other_than=self.instance.pk)
            if existing is not None:
                raise ValidationError(MSG_USERNAME_TAKEN, code="unique", params={"existing": existing})
        return username


# A permission's name is stored in English when its model is migrated ("Can add log entry"),
# and Django translates neither it nor its "Can %s %s": the portal words the default ones from
# the model's translated name. Others keep their stored name, through the catalogue.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """ "Quản trị | mục nhật ký | Có thể thêm mục nhật ký": Django's "app | model | name", the
    name in the reader's language (the content type is read with the permission)."""
    content_type = permission.content_type
    model = content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and model_name == model._meta.model_name and action in model._meta.default_permissions:
        name = PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
    else:
        name = _(permission.name)
    return f"{content_type} | {name}"


class PermissionLabelsMixin:
    """Permissions listed in the reader's language (``permission_label``)."""

    permission_field = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.permission_field)
        if field is not None:
            field.label_from_instance = permission_label


class PortalUserCreationForm(UsernameIgnoringCaseMixin, AdminUserCreationForm):
    pass


class PortalUserChangeForm(UsernameIgnoringCaseMixin, PermissionLabelsMixin, UserChangeForm):
    permission_field = "user_permissions"


class PortalPasswordChangeForm(AdminPasswordChangeForm):
    # Django's warning is a plain string joined to the translated help text when it is imported:
    # both showed in English. The markup (its id) is Django's, which its script shows and hides.
    usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("If disabled, the current password for this user will be lost."),
    )


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    change_password_form = PortalPasswordChangeForm
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "email", "is_staff", "is_active")
    search_help_text = _("Login name, full name or e-mail (no diacritics needed).")

    def get_search_results(self, request, queryset, search_term):
        # Django's icontains folds only ASCII case on SQLite and no diacritics anywhere.
        return users_matching(queryset, search_term), False

    @admin.display(description=_("full name"), ordering="last_name")
    def display_name(self, user) -> str:
        return full_name(user)


class PortalGroupForm(PermissionLabelsMixin, forms.ModelForm):
    permission_field = "permissions"

    class Meta:
        model = Group
        fields = ["name", "permissions"]


admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(GroupAdmin):
    form = PortalGroupForm


admin.site.site_header = _("NTM portal administration")
admin.site.site_title = _("NTM portal")
admin.site.index_title = _("Administration")
