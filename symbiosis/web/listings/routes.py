"""Offers and requests: browse, map, post, edit, states, import and export."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis import formats, labels, themes
from symbiosis.authz import Perm, can, ensure, learn_owners, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.extensions import db
from symbiosis.i18n import gettext as _
from symbiosis.models import Listing, Locality, Organisation
from symbiosis.services import activity, imports, listing_activity, proposals
from symbiosis.services import listings as service
from symbiosis.services.listing_search import (
    Filters,
    all_matching,
    search,
    shown_with,
)
from symbiosis.web.choices import (
    chapter_choices,
    organisation_choices,
    sdg_choices,
    zone_filter_choices,
)
from symbiosis.web.forms import CsrfForm
from symbiosis.web.listings import import_help
from symbiosis.web.listings.forms import (
    FollowSearchForm,
    ImportForm,
    ListingForm,
    theme_choices,
)
from symbiosis.web.matches.explain import sentences

bp = Blueprint("listings", __name__, url_prefix="/listings")
TEMPLATE_NAME = "symbiosis-listings-template.csv"


def _get(listing_id: int, perm: Perm) -> Listing:
    listing = db.get_or_404(Listing, listing_id, options=shown_with(single=True))
    ensure(perm, listing, hide=True)
    return listing


def _filter_context(filters: Filters) -> dict[str, Any]:
    return {
        "filters": filters,
        "zones": zone_filter_choices(),
        "chapters": chapter_choices(),
        "labels": labels,
    }


@bp.get("/")
@requires(Perm.SIGNED_IN)
def index() -> ResponseReturnValue:
    return index_page(Filters.from_args(request.args))


def index_page(
    filters: Filters, follow: FollowSearchForm | None = None, status: int = 200
) -> ResponseReturnValue:
    """The list for ``filters``; with a search to follow once it has any."""
    results = search(
        current_user,
        filters,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["LISTINGS_PER_PAGE"],
        sdgs=False,
    )
    learn_owners(current_user, results.items)
    shown = {item.id: service.shown_to(current_user, item) for item in results.items}
    context = _filter_context(filters)
    if follow is None and filters.as_args():
        follow = FollowSearchForm(prefix="follow", formdata=None)
        follow.name.data = filters_in_words(filters, dict(context["zones"]))
    return render_template(
        "listings/index.html", results=results, shown=shown, follow=follow, **context
    ), status


def filters_in_words(filters: Filters, zones: dict[int, str]) -> str:
    """The filters in a few words: the name suggested for a search to follow,
    and how the list of followed searches shows their filters."""
    parts = [
        filters.q,
        str(labels.KIND.get(filters.kind, "")),
        str(labels.RESOURCE.get(filters.resource, "")),
        str(zones.get(filters.zone_id, "")) if filters.zone_id else "",
        _("waste chapter %(code)s", code=filters.chapter) if filters.chapter else "",
        _("within %(km)d km", km=filters.within_km) if filters.within_km else "",
    ]
    return " · ".join(p for p in parts if p)[:80]


@bp.get("/map")
@requires(Perm.SIGNED_IN)
def map_view() -> ResponseReturnValue:
    filters = Filters.from_args(request.args)
    return render_template("listings/map.html", **_filter_context(filters))


@bp.get("/map.geojson")
@requires(Perm.SIGNED_IN)
def map_data() -> ResponseReturnValue:
    filters = Filters.from_args(request.args)
    features = []
    for listing in all_matching(current_user, filters):
        shown = service.shown_to(current_user, listing)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [shown.lon, shown.lat]},
                "properties": {
                    "id": listing.id,
                    "kind": listing.kind,
                    "title": listing.title,
                    "resource": str(labels.RESOURCE[listing.resource]),
                    "quantity": service.quantity_label(listing),
                    "zone": listing.zone.short_name if listing.zone else None,
                    "organisation": shown.organisation.name
                    if shown.organisation
                    else None,
                    "url": url_for("listings.detail", listing_id=listing.id),
                    "approximate": shown.approximate,
                },
            }
        )
    return jsonify({"type": "FeatureCollection", "features": features})


@bp.get("/mine")
@requires(Perm.POST_LISTING)
def mine() -> ResponseReturnValue:
    org = current_user.organisation
    items: list[Listing] = []
    going_on: dict[int, listing_activity.Activity] = {}
    if org is not None and current_user.is_org_member:
        items = list(
            db.session.scalars(
                sa.select(Listing)
                .where(Listing.organisation_id == org.id)
                .order_by(Listing.state, Listing.created_at.desc())
            )
        )
        going_on = listing_activity.for_organisation(org.id)
    return render_template(
        "listings/mine.html",
        items=items,
        going_on=going_on,
        nothing=listing_activity.Activity(),
        labels=labels,
        form=CsrfForm(),
    )


def _form(listing: Listing | None = None) -> ListingForm:
    form = ListingForm(obj=listing)
    form.sdgs.choices = sdg_choices()
    form.themes.choices = theme_choices()
    if listing is not None and request.method == "GET":
        form.sdgs.data = [s.number for s in listing.sdgs]
        form.themes.data = list(listing.themes or ())
        form.quantity.data = formats.field_number(listing.quantity)
        form.ewc_code.data = listing.ewc.display if listing.ewc else ""
        form.locality.data = listing.location_label or ""
        form.lat.data, form.lon.data = str(listing.lat), str(listing.lon)
        if listing.price_per_unit is not None:
            form.price_per_unit.data = formats.field_number(listing.price_per_unit)
        form.max_distance_km.data = formats.field_number(listing.max_distance_km)
    elif listing is None and request.method == "GET":
        form.available_from.data = date.today()
    return form


def _form_page(
    form: ListingForm, listing: Listing | None, status: int = 200
) -> ResponseReturnValue:
    localities = db.session.scalars(
        sa.select(Locality.name).distinct().order_by(Locality.name)
    ).all()
    return (
        render_template(
            "listings/form.html", form=form, listing=listing, localities=localities
        ),
        status,
    )


@bp.get("/new")
@requires(Perm.POST_LISTING)
def new() -> ResponseReturnValue:
    if current_user.organisation is None:
        flash(_("Join an organisation before posting."), "info")
        return redirect(url_for("account.profile"))
    return _form_page(_form(), None)


@bp.post("/new")
@requires(Perm.POST_LISTING)
def new_submit() -> ResponseReturnValue:
    form = _form()
    org = current_user.organisation
    if org is None:
        abort(403)
    if form.validate_on_submit():
        try:
            listing = service.post_listing(current_user, org, form.raw())
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(_("Your listing is published."), "success")
            return redirect(url_for("listings.detail", listing_id=listing.id))
    return _form_page(form, None, 400)


@bp.get("/<int:listing_id>")
@requires(Perm.SIGNED_IN)
def detail(listing_id: int) -> ResponseReturnValue:
    listing = _get(listing_id, Perm.VIEW_LISTING)
    can_edit = can(current_user, Perm.EDIT_LISTING, listing)
    shown_matches: list[dict[str, object]] = []
    combined = None
    if can_edit:
        found = proposals.visible_matches(current_user, listing)
        learn_owners(current_user, [m.other(listing.id) for m in found])
        for match in found:
            other = match.other(listing.id)
            shown_matches.append(
                {
                    "match": match,
                    "other": other,
                    "shown": service.shown_to(current_user, other),
                    "reasons": sentences(match.reasons),
                }
            )
        if listing.kind == "request" and listing.is_active:
            combined = proposals.combination_for(listing)
    return render_template(
        "listings/detail.html",
        proposals=shown_matches,
        combined=combined,
        listing=listing,
        shown=service.shown_to(current_user, listing),
        labels=labels,
        theme_names=[_(themes.label(key)) for key in listing.themes or ()],
        quantity=service.quantity_label(listing),
        can_edit=can_edit,
        actions=service.allowed_actions_of(listing),
        form=CsrfForm(),
    )


@bp.get("/<int:listing_id>/edit")
@requires(Perm.EDIT_LISTING)
def edit(listing_id: int) -> ResponseReturnValue:
    listing = _get(listing_id, Perm.EDIT_LISTING)
    return _form_page(_form(listing), listing)


@bp.post("/<int:listing_id>/edit")
@requires(Perm.EDIT_LISTING)
def edit_submit(listing_id: int) -> ResponseReturnValue:
    listing = _get(listing_id, Perm.EDIT_LISTING)
    form = _form(listing)
    if form.validate_on_submit():
        try:
            service.update_listing(current_user, listing, form.raw())
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(_("The listing is saved."), "success")
            return redirect(url_for("listings.detail", listing_id=listing.id))
    return _form_page(form, listing, 400)


@bp.post("/<int:listing_id>/<action>")
@requires(Perm.EDIT_LISTING)
def action_submit(listing_id: int, action: str) -> ResponseReturnValue:
    listing = _get(listing_id, Perm.EDIT_LISTING)
    if action not in labels.ACTION:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        service.apply_action(current_user, listing, action)
    except (NotAllowed, FieldErrors) as error:
        flash(error.message, "danger")
    else:
        flash(_("Done: %(state)s.", state=labels.STATE[listing.state]), "success")
    return redirect(url_for("listings.detail", listing_id=listing.id))


def _import_form() -> ImportForm:
    form = ImportForm()
    form.organisation.choices = organisation_choices()
    return form


@bp.get("/import")
@requires(Perm.POST_LISTING)
def import_page() -> ResponseReturnValue:
    return render_template(
        "listings/import.html", form=_import_form(), report=None, help=import_help
    )


@bp.post("/import")
@requires(Perm.POST_LISTING)
def import_submit() -> ResponseReturnValue:
    form = _import_form()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not getattr(upload, "filename", ""):
            form.file.errors = [_("Choose a file.")]
        else:
            data = upload.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
            if len(data) > current_app.config["IMPORT_MAX_BYTES"]:
                abort(413)
            target = None
            if current_user.is_facilitator and form.organisation.data:
                target = db.session.get(Organisation, form.organisation.data)
            try:
                report = imports.import_listings(
                    current_user, upload.filename, data, organisation=target
                )
            except NotAllowed as error:
                form.file.errors = [error.message]
            except FieldErrors as errors:
                form.file.errors = [message for _field, message in errors.errors]
            else:
                if report.ok:
                    flash(_("%(n)d listings imported.", n=report.created), "success")
                    return redirect(url_for("listings.mine"))
    page = render_template(
        "listings/import.html", form=form, report=report, help=import_help
    )
    return page, 400


@bp.get("/template.csv")
@requires(Perm.SIGNED_IN)
def template() -> ResponseReturnValue:
    return Response(
        "\ufeff" + imports.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={TEMPLATE_NAME}"},
    )


@bp.get("/places.csv")
@requires(Perm.SIGNED_IN)
def places() -> ResponseReturnValue:
    return Response(
        "\ufeff" + import_help.places_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=symbiosis-places.csv"},
    )


@bp.get("/export.csv")
@requires(Perm.POST_LISTING)
def export() -> ResponseReturnValue:
    org = current_user.organisation
    if org is None or not current_user.is_org_member:
        abort(404)
    rows = db.session.scalars(
        sa.select(Listing).where(Listing.organisation_id == org.id).order_by(Listing.id)
    ).all()
    body = imports.export_csv(rows)
    activity.record_export(current_user, "csv", "listings", len(rows), subject=org)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f"attachment; filename={org.slug}-listings.csv"
        },
    )
