"""Packages' admin strings the portal translates: named in ntm_portal/third_party_strings.py."""

import ast
import re
import shutil
import subprocess
from pathlib import Path

import axes
import django
import django_tasks
import django_tasks_db
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

import ntm_portal.third_party_strings as module

MODULE = Path(module.__file__)
# What QA found untranslated in the Vietnamese admin.
SEEN_UNTRANSLATED = {
    "Task Results",
    "enqueued at",
    "priority",
    "queue name",
    "Skip to main content",
    "Toggle theme (current theme: auto)",
    "access attempts",
    "access failures",
    "access logs",
    # The admin's users (QA, December 2026).
    "After you’ve created a user, you’ll be able to edit more user options.",
    "Password-based authentication",
    "Enabled",
    "Disabled",
    "Please correct the errors below.",
    "Please correct the error below.",
    "Reset password",
    "Raw passwords are not stored, so there is no way to see the user’s password.",
    "Select this object for an action - {}",
}


def _msgids() -> set[str]:
    """The msgids the module names, as makemessages reads them (the last string argument; a
    plural's two)."""
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        name = getattr(node, "func", None) and getattr(node.func, "id", "")
        if name in {"gettext_noop", "pgettext_lazy"}:
            found.add(node.args[-1].value)
        elif name == "ngettext_lazy":
            found |= {node.args[0].value, node.args[1].value}
    return found


def _package_sources() -> str:
    """The packages' templates as written, and their Python's strings as Python reads them
    (``"Raw passwords are not stored, " "so …"`` is one string), each quoted."""
    contrib = Path(django.__file__).parent / "contrib"
    roots = [contrib / "admin", contrib / "auth"]
    roots += [Path(p.__file__).parent for p in (django_tasks, django_tasks_db, axes)]
    texts = []
    for root in roots:
        for path in root.rglob("*"):
            if "migrations" in path.parts or "locale" in path.parts:
                continue
            if path.suffix == ".html":
                texts.append(path.read_text(encoding="utf-8"))
            elif path.suffix == ".py":
                tree = ast.parse(path.read_text(encoding="utf-8"))
                texts += (
                    f'"{node.value}"'
                    for node in ast.walk(tree)
                    if isinstance(node, ast.Constant) and isinstance(node.value, str)
                )
    return "\n".join(texts)


def test_the_strings_seen_untranslated_in_the_admin_are_kept_in_the_catalogue():
    assert _msgids() >= SEEN_UNTRANSLATED


def test_every_kept_string_is_one_the_packages_translate():
    sources = _package_sources()
    # A template's {% blocktranslate %} text stands bare, its variables as {{ name }}.
    missing = {
        m
        for m in _msgids()
        if f'"{m}"' not in sources and f"'{m}'" not in sources and re.sub(r"%\((\w+)\)s", r"{{ \1 }}", m) not in sources
    }
    assert not missing, f"no longer in the packages (an upgrade?): {sorted(missing)}"


def test_the_task_apps_name_goes_through_the_catalogue():
    # The package's own name is a plain string: shown untranslated whatever the catalogue says.
    name = apps.get_app_config("django_tasks_database").verbose_name
    assert isinstance(name, Promise)
    with translation.override("en"):
        assert str(name) == "Tasks Database Backend"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools not installed")
def test_makemessages_extracts_the_strings(tmp_path):
    # The keywords Django's makemessages gives xgettext for Python files.
    keywords = ["gettext_noop", "gettext_lazy", "pgettext_lazy:1c,2", "ngettext_lazy:1,2"]
    sources = [MODULE, Path(settings.BASE_DIR) / "ntm_portal" / "tasks_app.py"]
    pot = subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            "--no-wrap",
            "-o",
            "-",
            *(f"--keyword={k}" for k in keywords),
        ]
        + [str(s) for s in sources],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for msgid in SEEN_UNTRANSLATED | {"Tasks Database Backend"}:
        assert f'msgid "{msgid}"' in pot or f'msgid_plural "{msgid}"' in pot
    assert 'msgctxt "Task"\nmsgid "Successful"' in pot
