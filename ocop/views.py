"""The OCOP pages: the list of products in the reader's area, the forms to enter, change and
remove one.

Products and communes come only through ``communes.access`` (a list is the reader's area; a
product outside it is 404; one the reader may not change is 403); writes only through
``ocop.services``. A refusal shows the form again with the message at the field, never a 500.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from communes import access
from communes.models import Level
from ntm_portal.errors import StaleWriteError, stale_among
from ntm_portal.forms import add_service_errors
from ocop import selectors
from ocop.forms import DeleteForm, FilterForm, ProductForm
from ocop.models import OcopProduct, Status
from ocop.services import INPUT_FIELDS, duplicates_of, product_create, product_delete, product_update

PAGE_SIZE = 25
BADGES = {Status.CERTIFIED: "met", Status.EXPIRED: "not_met", Status.RATING: "basically_met"}


def _products(request: HttpRequest):
    return access.scope_queryset(request.user, OcopProduct.objects.all(), unit_field="commune")


def _writable_communes(request: HttpRequest):
    return access.units_for(request.user, write=True).filter(level=Level.COMMUNE).in_vietnamese_order()


@login_required
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    listed = (
        access.units_for(request.user)
        .filter(level=Level.COMMUNE, ocop_products__isnull=False)
        .distinct()
        .in_vietnamese_order()
        .values_list("code", "name")
    )
    form = FilterForm(request.GET, communes=[(code, name) for code, name in listed])
    filters = form.cleaned_data if form.is_valid() else {}
    commune = access.get_unit_for_user(request.user, filters["commune"]) if filters.get("commune") else None
    products = selectors.products_listed(
        _products(request),
        day=today,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        stars=filters.get("stars"),
        commune=commune,
    )
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (p, Status(p.status).label, BADGES.get(p.status, "missing"), access.can_write_unit(request.user, p.commune))
        for p in page.object_list
    ]
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return render(
        request,
        "ocop/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query,
            "today": today,
            "can_create": _writable_communes(request).exists(),
        },
    )


def _save(request: HttpRequest, form: ProductForm, product: OcopProduct | None) -> OcopProduct | None:
    """The service's answer: the product saved, or None with its refusal on the form."""
    try:
        if product is None:
            return product_create(data=form.product_input(), user=request.user)
        version = form.cleaned_data.get("version") or 0
        return product_update(product=product, data=form.product_input(), user=request.user, expected_version=version)
    except StaleWriteError as exc:
        form.add_error(None, exc)
        # Sent again, the form overwrites what is stored now: the reader has seen the message.
        form.data = form.data.copy()
        form.data["version"] = exc.current.version
    except PermissionDenied as exc:
        form.add_error("commune", str(exc) or _("You may not enter OCOP products for this commune."))
    except ValidationError as exc:
        add_service_errors(form, exc)
        # A product entered already: its field links to it, to change it there.
        for name, pk in duplicates_of(exc).items():
            form.links[name] = {"url": reverse("ocop:edit", args=[pk]), "text": _("Open the product entered already")}
    return None


def _form_page(request: HttpRequest, product: OcopProduct | None) -> HttpResponse:
    communes = _writable_communes(request)
    if not communes.exists():
        raise PermissionDenied(_("You may not enter OCOP products: you are not an officer of any commune."))
    if request.method == "POST":
        form = ProductForm(request.POST, communes=communes)
        if form.is_valid() and (saved := _save(request, form, product)) is not None:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect("ocop:list")
        status = 409 if stale_among(form.non_field_errors().as_data()) else 400
    else:
        initial = {"commune": request.GET.get("commune")} if product is None else _initial(product)
        form = ProductForm(initial=initial, communes=communes)
        status = 200
    context = {"form": form, "product": product}
    return render(request, "ocop/form.html", context, status=status)


def _initial(product: OcopProduct) -> dict:
    """The form as the product stands: every field of ``ProductInput`` (the commune by its id)
    and the version read."""
    fields = (name for name in INPUT_FIELDS if name != "commune")
    return {"commune": product.commune_id, "version": product.version} | {
        name: getattr(product, name) for name in fields
    }


@login_required
@require_http_methods(["GET", "POST"])
def product_create_page(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


def _writable_product(request: HttpRequest, pk: int) -> OcopProduct:
    return access.get_object_for_user(
        request.user, OcopProduct.objects.select_related("commune"), unit_field="commune", write=True, pk=pk
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, _writable_product(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def product_delete_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask before removing; the removal applies to the version the reader confirmed, never to a
    product someone changed since (409, with what is stored now)."""
    product = _writable_product(request, pk)
    error, status = None, 200
    if request.method == "POST":
        form = DeleteForm(request.POST)
        if form.is_valid():
            try:
                product_delete(product=product, user=request.user, expected_version=form.cleaned_data["version"])
            except StaleWriteError as exc:
                product, error, status = exc.current, exc.message, 409
            else:
                messages.success(request, _("“%(name)s” is removed.") % {"name": product.name})
                return redirect("ocop:list")
        else:
            error, status = _("The page was out of date: look at the product and confirm again."), 400
    # As stored now (after a refusal, what someone else saved), with its status today.
    shown = OcopProduct.objects.with_status(timezone.localdate()).select_related("commune").get(pk=product.pk)
    context = {"product": shown, "status_label": Status(shown.status).label, "error": error}
    return render(request, "ocop/delete.html", context, status=status)
