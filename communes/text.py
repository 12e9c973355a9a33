"""Vietnamese text helpers with no database: diacritic-free search keys and a sort key.

Databases disagree about Vietnamese: PostgreSQL has an ICU collation, SQLite has none. So every
unit stores two derived columns computed here, and both databases compare them the same way:

* ``fold("Đức Lĩnh") == "duc linh"`` — what search compares against ("duc linh" finds it);
* ``sort_key("Ăn Khê")`` — a string of ASCII digits whose plain order is the Vietnamese
  dictionary order: letters first (a < ă < â < b < … < d < đ < …), then tones
  (none < huyền < hỏi < ngã < sắc < nặng), numbers by value ("Thôn 2" before "Thôn 10").
  Digits sort identically under every collation (C, glibc, ICU), which is why the key uses
  nothing else.
"""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"

# Combining marks that change the letter (part of the alphabet) versus those that carry the tone.
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_COMPOSE = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}

# Two-digit primary codes: 00 ends the primary part, 01 separates words, 02 opens a number.
_END, _SPACE, _NUMBER, _OTHER = "00", "01", "02", "03"
_LETTER_CODES = {letter: f"{10 + i:02d}" for i, letter in enumerate(ALPHABET)}
_WHITESPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, drop every diacritic (đ → d) and collapse white space."""
    if text.isascii():  # nothing to drop: the same result, several times faster (user search)
        return _WHITESPACE.sub(" ", text).strip().lower()
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WHITESPACE.sub(" ", bare).strip().lower()


def unit_matches(text: str, *, name: str, code: str) -> bool:
    """``UnitQuerySet.search``'s rule (``filters.search_q``) for a unit already read: its name
    contains the text, ignoring case and Vietnamese diacritics, or its code starts with the text
    (so "26767" finds "26767" and "26767-cu")."""
    folded = fold(text)
    return not folded or folded in fold(name) or code.lower().startswith(text.strip().lower())


def _letters(text: str) -> list[tuple[str, int]]:
    """Split text into (alphabet letter or other character, tone 0–5) pairs."""
    out: list[tuple[str, int]] = []
    for ch in unicodedata.normalize("NFD", text.lower()):
        if unicodedata.combining(ch) and out:
            base, tone = out[-1]
            if ch in _LETTER_MARKS:
                out[-1] = (_COMPOSE.get((base, _LETTER_MARKS[ch]), base), tone)
            elif ch in _TONE_MARKS:
                out[-1] = (base, _TONE_MARKS[ch])
            continue
        out.append((ch, 0))
    return out


def sort_key(text: str) -> str:
    """A digits-only key whose lexical order is Vietnamese dictionary order (see module doc)."""
    primary: list[str] = []
    tones: list[str] = []
    letters = _letters(_WHITESPACE.sub(" ", text).strip())
    i = 0
    while i < len(letters):
        ch, tone = letters[i]
        if ch.isdigit():
            j = i
            while j < len(letters) and letters[j][0].isdigit():
                j += 1
            digits = "".join(c for c, _ in letters[i:j]).lstrip("0") or "0"
            # Length first, so that numbers compare by value; the digits follow.
            primary.append(f"{_NUMBER}{min(len(digits), 99):02d}{digits}")
            i = j
            continue
        if ch in _LETTER_CODES:
            primary.append(_LETTER_CODES[ch])
            tones.append(str(tone))
        elif ch.isspace() or ch in "-–,.()/":
            primary.append(_SPACE)
        else:
            primary.append(_OTHER)
        i += 1
    return "".join(primary) + _END + "".join(tones)
