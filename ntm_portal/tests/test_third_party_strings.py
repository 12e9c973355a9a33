"""Packages' admin strings the portal translates: named in ntm_portal/third_party_strings.py."""

import ast
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
}


def _msgids() -> set[str]:
    """The msgids the module names, as makemessages reads them (the last string argument)."""
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    return {
        node.args[-1].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {"gettext_noop", "pgettext_lazy"}
    }


def _package_sources() -> str:
    roots = [Path(django.__file__).parent / "contrib" / "admin" / "templates"]
    roots += [Path(p.__file__).parent for p in (django_tasks, django_tasks_db, axes)]
    return "\n".join(
        path.read_text(encoding="utf-8")
        for root in roots
        for path in root.rglob("*")
        if path.suffix in {".py", ".html"} and "migrations" not in path.parts
    )


def test_the_strings_seen_untranslated_in_the_admin_are_kept_in_the_catalogue():
    assert _msgids() >= SEEN_UNTRANSLATED


def test_every_kept_string_is_one_the_packages_translate():
    sources = _package_sources()
    missing = {m for m in _msgids() if f'"{m}"' not in sources and f"'{m}'" not in sources}
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
        ["xgettext", "--language=Python", "--from-code=UTF-8", "-o", "-", *(f"--keyword={k}" for k in keywords)]
        + [str(s) for s in sources],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for msgid in SEEN_UNTRANSLATED | {"Tasks Database Backend"}:
        assert f'msgid "{msgid}"' in pot
    assert 'msgctxt "Task"\nmsgid "Successful"' in pot
