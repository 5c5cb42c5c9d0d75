"""HTML blueprints, one package per feature."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from symbiosis.api.docs import bp as api_docs
    from symbiosis.api.v1 import bp as api_v1
    from symbiosis.web.account.routes import bp as account
    from symbiosis.web.admin.routes import bp as admin
    from symbiosis.web.agreements.deliveries import bp as agreement_deliveries
    from symbiosis.web.agreements.routes import bp as agreements
    from symbiosis.web.auth.routes import bp as auth
    from symbiosis.web.calendar import bp as calendar
    from symbiosis.web.events.partnerships import bp as event_partnerships
    from symbiosis.web.events.planning import bp as event_plan
    from symbiosis.web.events.routes import bp as events
    from symbiosis.web.groups.routes import bp as groups
    from symbiosis.web.health import bp as health
    from symbiosis.web.invitations import bp as invitations
    from symbiosis.web.listings.routes import bp as listings
    from symbiosis.web.listings.searches import bp as searches
    from symbiosis.web.main.routes import bp as main
    from symbiosis.web.matches.routes import bp as matches
    from symbiosis.web.monitoring.activity import bp as activity
    from symbiosis.web.monitoring.routes import bp as monitoring
    from symbiosis.web.orgs.routes import bp as orgs
    from symbiosis.web.pooled.routes import bp as pooled
    from symbiosis.web.practices.routes import bp as practices
    from symbiosis.web.zones.routes import bp as zones

    for blueprint in (
        health,
        main,
        auth,
        invitations,
        account,
        orgs,
        zones,
        listings,
        searches,
        matches,
        agreements,
        agreement_deliveries,
        pooled,
        groups,
        events,
        event_plan,
        event_partnerships,
        calendar,
        practices,
        monitoring,
        activity,
        admin,
        api_v1,
        api_docs,
    ):
        app.register_blueprint(blueprint)
