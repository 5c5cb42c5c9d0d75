"""Followed searches: follow the search of the list, see them, stop one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.i18n import gettext as _
from symbiosis.services import saved_searches
from symbiosis.services.listing_search import Filters
from symbiosis.web.choices import zone_filter_choices
from symbiosis.web.forms import CsrfForm
from symbiosis.web.listings.forms import FollowSearchForm
from symbiosis.web.listings.routes import filters_in_words, index_page

bp = Blueprint("searches", __name__, url_prefix="/listings/searches")


@bp.get("/")
@requires(Perm.SIGNED_IN)
def index() -> ResponseReturnValue:
    zones = dict(zone_filter_choices())
    followed = [
        (
            s,
            saved_searches.link_of(s),
            filters_in_words(saved_searches.filters_of(s), zones),
        )
        for s in saved_searches.of(current_user)
    ]
    return render_template(
        "listings/searches.html",
        followed=followed,
        most=saved_searches.MAX_PER_USER,
        stop=CsrfForm(),
    )


@bp.post("/")
@requires(Perm.SIGNED_IN)
def follow_submit() -> ResponseReturnValue:
    """Follow the search whose filters the form carries."""
    form = FollowSearchForm(prefix="follow")
    filters = Filters.from_args(request.form)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return index_page(filters, form, 422)
    try:
        search = saved_searches.follow(current_user, request.form, form.name.data or "")
    except FieldErrors as errors:
        errors.apply_to(form)
        return index_page(filters, form, 422)
    flash(
        _(
            "You follow “%(name)s”: new listings for it come in your notices.",
            name=search.name,
        ),
        "success",
    )
    return redirect(saved_searches.link_of(search))


@bp.post("/<int:search_id>/stop")
@requires(Perm.SIGNED_IN)
def stop_submit(search_id: int) -> ResponseReturnValue:
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        saved_searches.stop(current_user, search_id)
    except NotAllowed:
        abort(404)
    flash(_("You no longer follow this search."), "success")
    return redirect(url_for("searches.index"))
