"""Symbiosis: an industrial-symbiosis platform for Luxembourg's business parks."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from symbiosis import config as settings
from symbiosis.bounded import App

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, CLI, errors."""
    app = App(  # Flask, whole numbers from requests within the databases' range
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
    )
    app.config.update(settings.defaults(app.instance_path))
    app.config["SEEDS_PATH"] = str(ROOT / "seeds")
    _read_secret_key_file(app)
    app.config.from_prefixed_env("SYMBIOSIS")
    for name in ("DATABASE_URL", "REDIS_URL"):  # the usual names on hosting platforms
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if config:
        app.config.update(config)
    settings.resolve(app.config)

    from symbiosis import static_files
    from symbiosis.app_setup import (
        register_blueprints,
        register_cli,
        register_error_handlers,
        register_extensions,
        register_request_hooks,
    )
    from symbiosis.logging_setup import configure as configure_logging

    configure_logging(app)  # first: its request id is there for every hook
    static_files.configure(app)
    register_extensions(app)
    register_request_hooks(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def _read_secret_key_file(app: Flask) -> None:
    """Use ``instance/secret_key`` (written by ``make``) unless a key is given."""
    path = Path(app.instance_path) / "secret_key"
    if path.is_file():
        app.config["SECRET_KEY"] = path.read_text(encoding="ascii").strip()
