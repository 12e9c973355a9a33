"""How a person's name is shown: Vietnamese order, family name first.

Django's ``get_full_name()`` writes "first last" ("Lan Nguyễn Thị"); a Vietnamese name reads
family name, middle name, given name ("Nguyễn Thị Lan"). The user record keeps Django's two
fields (``last_name`` holds the family and middle names, ``first_name`` the given name);
everything shown on a page, in a workbook or in the admin goes through ``full_name``.
"""

from __future__ import annotations


def full_name(user) -> str:
    """ "Nguyễn Thị Lan"; the login name when no name is recorded; "" for no user."""
    if user is None:
        return ""
    name = " ".join(part for part in (user.last_name.strip(), user.first_name.strip()) if part)
    return name or user.get_username()
