"""Sign in, sign out and registration."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from symbiosis.authz import Perm, public, requires
from symbiosis.errors import FieldErrors
from symbiosis.extensions import limiter
from symbiosis.i18n import gettext as _
from symbiosis.matching.normalise import fold
from symbiosis.services import accounts, password_reset
from symbiosis.web.auth.forms import (
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from symbiosis.web.choices import nace_choices, organisation_choices, zone_choices
from symbiosis.web.forms import safe_next

bp = Blueprint("auth", __name__)


def _email_key_from(email: object) -> str:
    """Rate-limit key for failed sign-ins: the e-mail tried, whatever the address."""
    return "login:" + fold(email if isinstance(email, str) else "")[:254]


def _email_key() -> str:
    return _email_key_from(request.form.get("email", ""))


def _login_failed(response: Response) -> bool:
    return response.status_code == 400


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURE_LIMIT"],
    key_func=_email_key,
    methods=["POST"],
    deduct_when=_login_failed,
)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            session.clear()
            login_user(user, remember=form.remember.data)
            session["lang"] = user.locale
            flash(_("Welcome, %(name)s.", name=user.full_name), "success")
            return redirect(
                safe_next(request.args.get("next")) or url_for("main.index")
            )
        form.form_errors.append(_("E-mail or password is incorrect."))
    if request.method == "POST":
        return render_template("auth/login.html", form=form), 400
    return render_template("auth/login.html", form=form)


def sign_out() -> None:
    """End the session, keeping only the language chosen."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang


@bp.post("/logout")
@requires(Perm.SIGNED_IN)
def logout() -> ResponseReturnValue:
    sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.index"))


def _register_form() -> RegisterForm:
    form = RegisterForm()
    form.nace_code.choices = nace_choices()
    form.zone.choices = zone_choices()
    form.join_organisation.choices = organisation_choices()
    return form


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = _register_form()
    if form.validate_on_submit():
        creating = form.mode.data == "create"
        try:
            user = accounts.register(
                email=form.email.data or "",
                full_name=form.full_name.data or "",
                password=form.password.data or "",
                locale=str(session.get("lang") or "fr"),
                new_organisation=accounts.NewOrganisation(
                    name=form.org_name.data or "",
                    kind=form.org_kind.data or "",
                    nace_code=form.nace_code.data or None,
                    zone_id=form.zone.data or None,
                )
                if creating
                else None,
                join_organisation_id=None if creating else form.join_organisation.data,
            )
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            login_user(user)
            if creating:
                flash(_("Your organisation is registered. Welcome!"), "success")
            else:
                flash(
                    _("Your request was sent to the organisation's administrators."),
                    "info",
                )
            return redirect(url_for("main.index"))
    if request.method == "POST":
        return render_template("auth/register.html", form=form), 400
    return render_template("auth/register.html", form=form)


def _reset_email_key() -> str:
    return "reset:" + fold(request.form.get("email", ""))[:254]


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"]
)
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_EMAIL_LIMIT"],
    key_func=_reset_email_key,
    methods=["POST"],
)
def forgot_password() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("account.profile"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.ask(form.email.data or "")
        # the same answer whether the address has an account or not
        flash(
            _(
                "If an account uses %(email)s, a link to choose a new password "
                "is on its way there. It works once, within an hour.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        return render_template("auth/forgot.html", form=form), 400
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"]
)
def reset_password(token: str) -> ResponseReturnValue:
    user = password_reset.user_for(token)
    if user is None:
        return render_template(
            "auth/forgot.html", form=ForgotPasswordForm(), link_spent=True
        ), 400
    form = ResetPasswordForm()
    form.account_email = user.email  # what the password must not be
    if form.validate_on_submit():
        try:
            password_reset.reset(user, form.password.data or "")
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            if current_user.is_authenticated:
                sign_out()  # whoever was signed in here, the sessions ended
            flash(_("Your password is changed. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    # The token is in this page's address; the site-wide referrer policy
    # (strict-origin-when-cross-origin) shows other sites no path.
    if request.method == "POST":
        return render_template("auth/reset.html", form=form, user=user), 400
    return render_template("auth/reset.html", form=form, user=user)
