"""Pure modules import no Flask and no ORM, so they stay fast and reusable."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "symbiosis"
PURE = [
    ROOT / "matching",
    ROOT / "planner",
    ROOT / "workflow",
    ROOT / "units.py",
    ROOT / "impact.py",
    ROOT / "geo.py",
    ROOT / "listing_fields.py",
    ROOT / "agreement_fields.py",
    ROOT / "pooled_fields.py",
    ROOT / "event_fields.py",
    ROOT / "diagnostic_flows.py",
    ROOT / "themes.py",
    ROOT / "calendar_ics.py",
]
BANNED = (
    "flask",
    "flask_sqlalchemy",
    "sqlalchemy",
    "symbiosis.extensions",
    "symbiosis.models",
)


def _files() -> list[Path]:
    files: list[Path] = []
    for path in PURE:
        if path.is_dir():
            files.extend(path.rglob("*.py"))
        elif path.exists():
            files.append(path)
    return files


def test_there_are_pure_modules_to_check() -> None:
    assert any(p.name == "normalise.py" for p in _files())


def test_pure_modules_import_no_flask_and_no_orm() -> None:
    offenders = []
    for path in _files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if any(n == b or n.startswith(b + ".") for b in BANNED)
            ]
    assert offenders == []
