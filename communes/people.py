"""How a person's name is shown (Vietnamese order, family name first) and found, and which
login names are one person's.

Django's ``get_full_name()`` writes "first last" ("Lan Nguyễn Thị"); a Vietnamese name reads
family name, middle name, given name ("Nguyễn Thị Lan"). The user record keeps Django's two
fields (``last_name`` holds the family and middle names, ``first_name`` the given name);
everything shown on a page, in a workbook or in the admin goes through ``full_name``.
"""

from __future__ import annotations

import functools
import unicodedata

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from communes.text import fold

MSG_USERNAME_TAKEN = _(
    "The login name “%(existing)s” already exists: login names that differ only in capital letters "
    "would be two accounts for one name."
)


def full_name(user) -> str:
    """ "Nguyễn Thị Lan"; the login name when no name is recorded; "" for no user."""
    if user is None:
        return ""
    name = " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)
    return name or user.get_username()


def users_matching(users: QuerySet, text: str) -> QuerySet:
    """The ``users`` whose login name, full name (either order) or e-mail contains ``text``,
    ignoring case and Vietnamese diacritics as unit search does (``text.fold``): “tuan” and
    “TUẤN” find “Trần Anh Tuấn”. Empty text: ``users`` unchanged.

    Django's user table keeps no folded column and the databases cannot fold Vietnamese alike
    (SQLite lower-cases ASCII only), so the four short columns are read in one query and folded
    here: O(users), about 50 ms of Python for 10,000 besides the read; the match is one
    ``pk IN (…)``. Worth a stored folded column if the accounts grow by orders of magnitude."""
    folded = fold(text)
    if not folded:
        return users
    rows = users.order_by().values_list("pk", "username", "first_name", "last_name", "email")
    name = functools.lru_cache(maxsize=None)(fold)  # given and family names repeat: fold each once
    found = [
        pk
        for pk, username, first, last, email in rows.iterator(chunk_size=2000)
        # "|" keeps a match inside one field; the name is there in both orders.
        if folded in f"{fold(username)}|{name(last)} {name(first)}|{name(first)} {name(last)}|{fold(email)}"
    ]
    return users.filter(pk__in=found)


def username_key(username: str) -> str:
    """What makes two login names one: "Tinh", "TINH" and "tinh" (NFKC, as Django stores a
    username, then casefolded: "NGUYỄN.LAN" is "nguyễn.lan")."""
    return unicodedata.normalize("NFKC", username).casefold()


def username_holder(username: str, *, other_than: int | None = None) -> str | None:
    """The existing login name that ``username`` would duplicate ignoring case ("tinh" for
    "Tinh"), else None; ``other_than`` is the account being renamed.

    Compared in Python: SQLite lower-cases ASCII only, so its ``iexact`` (Django's own check on
    the add form) lets "NGUYỄN.LAN" in beside "nguyễn.lan". O(users) short strings, as
    ``users_matching``. The database's index on the lower-cased name (migration
    ``communes.0004``) backs this up, fully on PostgreSQL, for ASCII on SQLite."""
    wanted = username_key(username)
    names = get_user_model().objects.order_by().exclude(pk=other_than).values_list("username", flat=True)
    return next((name for name in names.iterator(chunk_size=2000) if username_key(name) == wanted), None)
