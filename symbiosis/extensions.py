"""Extension objects, created unbound and wired to the app in ``create_app``."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy  # noqa: TID251 - the one place it is imported
from flask_talisman import Talisman
from flask_wtf import CSRFProtect

from symbiosis.i18n import RequestBabel
from symbiosis.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = RequestBabel()
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()
