"""The signed-in user's own account."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    json,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import refresh
from flask_login import current_user, login_user

from symbiosis.authz import Perm, public, requires
from symbiosis.errors import FieldErrors, NotAllowed
from symbiosis.i18n import gettext as _
from symbiosis.services import (
    account_closure,
    accounts,
    calendar_feed,
    email_change,
    organisations,
    tokens,
)
from symbiosis.web.account.forms import (
    CloseForm,
    EmailForm,
    JoinForm,
    PasswordForm,
    ProfileForm,
    TokenForm,
)
from symbiosis.web.auth.routes import sign_out
from symbiosis.web.choices import organisation_choices
from symbiosis.web.forms import CsrfForm

bp = Blueprint("account", __name__, url_prefix="/account")


def _forms() -> tuple[ProfileForm, PasswordForm, JoinForm]:
    profile = ProfileForm(prefix="profile", obj=current_user)
    password = PasswordForm(prefix="password")
    password.account_email = current_user.email  # what it must not be
    join = JoinForm(prefix="join")
    join.join_organisation.choices = organisation_choices()
    return profile, password, join


def _page(
    profile: ProfileForm,
    password: PasswordForm,
    join: JoinForm,
    status: int = 200,
    *,
    token_form: TokenForm | None = None,
    new_token: str | None = None,
    close_form: CloseForm | None = None,
    email_form: EmailForm | None = None,
) -> ResponseReturnValue:
    return render_template(
        "account/profile.html",
        profile=profile,
        password=password,
        join=join,
        token_form=token_form or TokenForm(formdata=None),
        tokens=tokens.tokens_of(current_user),
        new_token=new_token,
        close_form=close_form or CloseForm(prefix="close", formdata=None),
        email_form=email_form or EmailForm(prefix="email", formdata=None),
        close_obstacles=account_closure.obstacles(current_user),
        calendar_url=_calendar_url(),
    ), status


def _calendar_url() -> str | None:
    found = calendar_feed.token(current_user)
    return calendar_feed.site_link("calendar.feed", token=found) if found else None


@bp.get("/")
@requires(Perm.SIGNED_IN)
def profile() -> ResponseReturnValue:
    return _page(*_forms())


@bp.post("/")
@requires(Perm.SIGNED_IN)
def profile_submit() -> ResponseReturnValue:
    profile, password, join = _forms()
    if profile.validate_on_submit():
        accounts.update_profile(
            current_user,
            full_name=profile.full_name.data or "",
            locale=profile.locale.data or "fr",
            mail_notices=profile.mail_notices.data,
        )
        session["lang"] = current_user.locale
        refresh()  # the confirmation in the language just chosen
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("account.profile"))
    return _page(profile, password, join, 400)


@bp.post("/password")
@requires(Perm.SIGNED_IN)
def password_submit() -> ResponseReturnValue:
    profile, password, join = _forms()
    if password.validate_on_submit():
        try:
            accounts.change_password(
                current_user,
                current=password.current_password.data or "",
                new=password.new_password.data or "",
            )
        except FieldErrors as errors:
            errors.apply_to(password)
        else:
            login_user(current_user)  # the session id changed with the token
            flash(
                _("Your password is changed; other sessions are signed out."), "success"
            )
            return redirect(url_for("account.profile"))
    return _page(profile, password, join, 400)


@bp.post("/join")
@requires(Perm.SIGNED_IN)
def join_submit() -> ResponseReturnValue:
    profile, password, join = _forms()
    if join.validate_on_submit():
        try:
            organisations.ask_to_join(current_user, join.join_organisation.data or 0)
        except FieldErrors as errors:
            errors.apply_to(join)
        else:
            flash(
                _("Your request was sent to the organisation's administrators."), "info"
            )
            return redirect(url_for("account.profile"))
    return _page(profile, password, join, 400)


@bp.post("/tokens")
@requires(Perm.SIGNED_IN)
def token_submit() -> ResponseReturnValue:
    """Create an API token; it is shown on this page once and never again."""
    profile, password, join = _forms()
    form = TokenForm()
    if form.validate_on_submit():
        try:
            value, _record = tokens.create_token(current_user, form.name.data or "")
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            return _page(
                profile,
                password,
                join,
                201,
                token_form=TokenForm(formdata=None),
                new_token=value,
            )
    return _page(profile, password, join, 400, token_form=form)


@bp.post("/tokens/<int:token_id>/revoke")
@requires(Perm.SIGNED_IN)
def token_revoke_submit(token_id: int) -> ResponseReturnValue:
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        tokens.revoke(current_user, token_id)
    except NotAllowed:
        abort(404)
    flash(_("The token is revoked."), "success")
    return redirect(url_for("account.profile"))


@bp.post("/calendar/<any(new, off):action>")
@requires(Perm.SIGNED_IN)
def calendar_submit(action: str) -> ResponseReturnValue:
    """Turn one's calendar address on, give it a new one, or turn it off."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    if action == "off":
        calendar_feed.turn_off(current_user)
        flash(_("Your calendar address is turned off: it no longer works."), "success")
    else:
        had_one = bool(current_user.calendar_key)
        calendar_feed.renew(current_user)
        flash(
            _("Your calendar has a new address; the old one no longer works.")
            if had_one
            else _("Your calendar address is ready: add it to your agenda program."),
            "success",
        )
    return redirect(url_for("account.profile") + "#account-calendar")


@bp.get("/data.json")
@requires(Perm.SIGNED_IN)
def data_export() -> ResponseReturnValue:
    """A copy of what Symbiosis holds on the user (GDPR access and portability)."""
    body = json.dumps(account_closure.personal_data(current_user), indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": "attachment; "
            f'filename="symbiosis-account-{current_user.id}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/close")
@requires(Perm.SIGNED_IN)
def close_submit() -> ResponseReturnValue:
    profile, password, join = _forms()
    form = CloseForm(prefix="close")
    if form.validate_on_submit():
        try:
            account_closure.close(current_user, form.password.data or "")
        except FieldErrors as errors:
            errors.apply_to(form)
        except NotAllowed as refusal:
            form.form_errors.append(refusal.message)
        else:
            sign_out()
            flash(_("Your account is closed. Thank you for taking part."), "info")
            return redirect(url_for("main.index"))
    return _page(profile, password, join, 400, close_form=form)


@bp.post("/email")
@requires(Perm.SIGNED_IN)
def email_submit() -> ResponseReturnValue:
    profile, password, join = _forms()
    form = EmailForm(prefix="email")
    if form.validate_on_submit():
        try:
            new = email_change.ask(
                current_user, form.new_email.data or "", form.password.data or ""
            )
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(
                _(
                    "A link is on its way to %(email)s: your address changes once "
                    "you follow it.",
                    email=new,
                ),
                "info",
            )
            return redirect(url_for("account.profile"))
    return _page(profile, password, join, 400, email_form=form)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
@public
def email_confirm(token: str) -> ResponseReturnValue:
    """The link from the e-mail shows what it changes; the button confirms
    (a mail scanner that opens links changes nothing)."""
    found = email_change.pending(token)
    form = CsrfForm()
    if found is None:
        return render_template("account/email_confirm.html", user=None), 400
    user, new = found
    if form.validate_on_submit():
        try:
            email_change.confirm(user, new)
        except NotAllowed as refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("Your e-mail address is now %(email)s.", email=new), "success")
            if current_user.is_authenticated and current_user.id == user.id:
                return redirect(url_for("account.profile"))
            return redirect(url_for("auth.login"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "account/email_confirm.html", user=user, new_email=new
    ), status


@bp.post("/leave")
@requires(Perm.SIGNED_IN)
def leave_submit() -> ResponseReturnValue:
    """Leave one's organisation, or withdraw a request to join one."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    was_member = current_user.is_org_member
    name = current_user.organisation.name if current_user.organisation else ""
    try:
        organisations.leave(current_user)
    except NotAllowed as refusal:
        flash(refusal.message, "danger")
        return redirect(url_for("account.profile"))
    if was_member:
        flash(_("You are no longer a member of %(org)s.", org=name), "info")
    else:
        flash(_("Your request to join %(org)s is withdrawn.", org=name), "info")
    return redirect(url_for("account.profile"))
