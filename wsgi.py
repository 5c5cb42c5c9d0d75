"""WSGI entry point: ``gunicorn wsgi:app``."""

from symbiosis import create_app

app = create_app()
