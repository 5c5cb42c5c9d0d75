"""Working groups: a zone's list, a group's page, its meetings, actions, members."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_login import current_user
from wtforms import SelectChoice

from symbiosis.authz import Perm, requires
from symbiosis.errors import FieldErrors, Forbidden, InvalidTransition, NotAllowed
from symbiosis.i18n import gettext as _
from symbiosis.models.working_group import WorkingGroup
from symbiosis.services import working_groups as service
from symbiosis.web.forms import BaseForm, CsrfForm
from symbiosis.web.groups.forms import ActionForm, GroupForm, MeetingForm, MemberForm

bp = Blueprint("groups", __name__)


@bp.app_template_global()
def zone_working_groups(zone_id: int) -> list[WorkingGroup]:
    """The zone's groups the signed-in person sees (for the zone page)."""
    return service.groups_for_zone(current_user, zone_id)


def _load(group_id: int) -> WorkingGroup:
    try:
        return service.get(current_user, group_id)
    except NotAllowed:
        abort(404)


def _back(group_id: int, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for(".detail", group_id=group_id) + anchor)


def _posted(form: BaseForm) -> bool:
    """Validate a posted form; a missing or stale CSRF token is a 400."""
    if form.validate_on_submit():
        return True
    if "csrf_token" in form.errors:
        abort(400)
    return False


# -- lists -------------------------------------------------------------------
@bp.get("/groups/")
@requires(Perm.VIEW_WORKING_GROUP)
def mine() -> ResponseReturnValue:
    own = current_user.organisation.zone if current_user.organisation else None
    zones = [own] if own is not None else []
    zones += [z for z in current_user.managed_zones if z not in zones]
    return render_template(
        "groups/mine.html", groups=service.groups_for_user(current_user), zones=zones
    )


@bp.get("/zones/<int:zone_id>/groups/")
@requires(Perm.VIEW_WORKING_GROUP)
def index(zone_id: int) -> ResponseReturnValue:
    return _render_index(zone_id, GroupForm(), status=200)


def _render_index(zone_id: int, form: GroupForm, status: int) -> ResponseReturnValue:
    try:
        zone = service.zone_for(current_user, zone_id)
    except NotAllowed:
        abort(404)
    return render_template(
        "groups/index.html",
        zone=zone,
        groups=service.groups_for_zone(current_user, zone.id),
        runs=service.runs(current_user, zone),
        form=form,
        today=date.today(),
    ), status


@bp.post("/zones/<int:zone_id>/groups/")
@requires(Perm.MANAGE_ZONE)
def create_submit(zone_id: int) -> ResponseReturnValue:
    form = GroupForm()
    if _posted(form):
        try:
            group = service.create_group(
                current_user,
                zone_id,
                {"name": form.name.data, "purpose": form.purpose.data},
            )
        except NotAllowed:
            abort(404)
        except Forbidden:
            abort(403)
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(_("The working group is created: add its members."), "success")
            return _back(group.id, "#members")
    return _render_index(zone_id, form, status=422)


# -- one group ---------------------------------------------------------------
@bp.get("/groups/<int:group_id>")
@requires(Perm.VIEW_WORKING_GROUP)
def detail(group_id: int) -> ResponseReturnValue:
    return _render_detail(_load(group_id))


def _render_detail(group: WorkingGroup, **forms: Any) -> ResponseReturnValue:
    runs = service.runs(current_user, group)
    member_form = forms.get("member") or MemberForm()
    if runs:
        member_form.user_id.choices = [SelectChoice("", _("Choose a person"))] + [
            SelectChoice(str(u.id), _person(u)) for u in service.candidates(group)
        ]
    action_form = forms.get("action") or ActionForm(
        owner_id=str(current_user.id) if group.member(current_user.id) else ""
    )
    action_form.owner_id.choices = [SelectChoice("", _("Choose a member"))] + [
        SelectChoice(str(m.user_id), _person(m.user)) for m in group.members
    ]
    action_form.meeting_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(m.id), f"{format_date(m.held_on)} · {m.topic}")
        for m in group.meetings
    ]
    meeting_form = forms.get("meeting") or MeetingForm(held_on=date.today())
    return render_template(
        "groups/detail.html",
        group=group,
        runs=runs,
        member_form=member_form,
        action_form=action_form,
        meeting_form=meeting_form,
        buttons=CsrfForm(),
        failed=forms.get("failed"),
        today=date.today(),
    ), (422 if forms else 200)


def _person(user: Any) -> str:
    org = user.organisation.name if user.organisation is not None else None
    return f"{user.full_name} · {org}" if org else user.full_name


def _refused(error: Exception, group_id: int) -> ResponseReturnValue:
    """NotAllowed → 404, Forbidden → 403, an archived group → a message."""
    if isinstance(error, NotAllowed):
        abort(404)
    if isinstance(error, Forbidden):
        abort(403)
    assert isinstance(error, InvalidTransition)  # noqa: S101 - the only other case  # nosec B101
    flash(error.message, "warning")
    return _back(group_id)


@bp.post("/groups/<int:group_id>/members")
@requires(Perm.MANAGE_ZONE)
def member_submit(group_id: int) -> ResponseReturnValue:
    group = _load(group_id)
    form = MemberForm()
    if _posted(form):
        try:
            member = service.add_member(
                current_user,
                group.id,
                {"user_id": form.user_id.data, "role": form.role.data},
            )
        except (NotAllowed, Forbidden, InvalidTransition) as error:
            return _refused(error, group.id)
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(_("%(name)s is in the group.", name=member.user.full_name), "success")
            return _back(group.id, "#members")
    return _render_detail(group, member=form, failed="member")


@bp.post("/groups/<int:group_id>/members/<int:user_id>/remove")
@requires(Perm.MANAGE_ZONE)
def member_remove_submit(group_id: int, user_id: int) -> ResponseReturnValue:
    group = _load(group_id)
    _posted(CsrfForm())
    try:
        service.remove_member(current_user, group.id, user_id)
    except (NotAllowed, Forbidden, InvalidTransition) as error:
        return _refused(error, group.id)
    flash(_("The person left the group."), "success")
    return _back(group.id, "#members")


@bp.post("/groups/<int:group_id>/meetings")
@requires(Perm.VIEW_WORKING_GROUP)
def meeting_submit(group_id: int) -> ResponseReturnValue:
    group = _load(group_id)
    form = MeetingForm()
    if _posted(form):
        try:
            meeting = service.record_meeting(
                current_user,
                group.id,
                {
                    "held_on": form.held_on.data,
                    "topic": form.topic.data,
                    "minutes": form.minutes.data,
                    "decisions": form.decisions.data,
                },
            )
        except (NotAllowed, Forbidden, InvalidTransition) as error:
            return _refused(error, group.id)
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(_("The meeting is recorded."), "success")
            return _back(group.id, f"#meeting-{meeting.id}")
    return _render_detail(group, meeting=form, failed="meeting")


@bp.post("/groups/<int:group_id>/actions")
@requires(Perm.VIEW_WORKING_GROUP)
def action_submit(group_id: int) -> ResponseReturnValue:
    group = _load(group_id)
    form = ActionForm()
    if _posted(form):
        try:
            service.add_action(
                current_user,
                group.id,
                {
                    "title": form.title.data,
                    "owner_id": form.owner_id.data,
                    "due_on": form.due_on.data,
                    "meeting_id": form.meeting_id.data,
                },
            )
        except (NotAllowed, Forbidden, InvalidTransition) as error:
            return _refused(error, group.id)
        except FieldErrors as errors:
            errors.apply_to(form)
        else:
            flash(_("The action is recorded."), "success")
            return _back(group.id, "#actions")
    return _render_detail(group, action=form, failed="action")


@bp.post("/groups/<int:group_id>/actions/<int:group_action_id>/<any(done, open):state>")
@requires(Perm.VIEW_WORKING_GROUP)
def action_state_submit(
    group_id: int, group_action_id: int, state: str
) -> ResponseReturnValue:
    group = _load(group_id)
    _posted(CsrfForm())
    try:
        service.set_action_state(current_user, group.id, group_action_id, state)
    except (NotAllowed, Forbidden, InvalidTransition) as error:
        return _refused(error, group.id)
    if state == "done":
        flash(_("The action is done."), "success")
    else:
        flash(_("The action is open again."), "success")
    return _back(group.id, "#actions")


@bp.post("/groups/<int:group_id>/<any(archive, restore):change>")
@requires(Perm.MANAGE_ZONE)
def archive_submit(group_id: int, change: str) -> ResponseReturnValue:
    group = _load(group_id)
    _posted(CsrfForm())
    try:
        service.set_archived(current_user, group.id, change == "archive")
    except (NotAllowed, Forbidden, InvalidTransition) as error:
        return _refused(error, group.id)
    if change == "archive":
        flash(_("The group is archived; its history stays readable."), "success")
    else:
        flash(_("The group is active again."), "success")
    return _back(group.id)
