"""How pages name the parties of an agreement, anonymity kept."""

from __future__ import annotations

from flask_login import current_user

from symbiosis.i18n import gettext as _
from symbiosis.models import Agreement
from symbiosis.services import agreements as service


def party_name(
    agreement: Agreement, organisation_id: int, *, inline: bool = False
) -> str:
    """The organisation's name, or a neutral wording while it stays anonymous
    (``inline``: as written inside a sentence, "une organisation de …")."""
    org = agreement.supplier if organisation_id == agreement.supplier_id else None
    org = org or agreement.receiver
    if service.shows_party(current_user, agreement, organisation_id):
        return org.name
    listing = (
        agreement.offer
        if organisation_id == agreement.supplier_id
        else agreement.request
    )
    if listing.zone is not None:
        if inline:
            return _("an organisation in %(zone)s", zone=listing.zone.name)
        return _("An organisation in %(zone)s", zone=listing.zone.name)
    if inline:
        return _("an organisation (anonymous)")
    return _("An organisation (anonymous)")
