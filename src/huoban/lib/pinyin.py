"""Pinyin forms of Chinese names, for search boxes where people type ``zxm`` or ``zhang``."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin, pinyin

# A surname's reading often differs from the character's usual one (曾 zeng, not ceng; 单 shan;
# 仇 qiu); every reading of the first character is kept, and one character has at most a few.
MAX_FIRST_READINGS = 4


def _words(text: str) -> list[str]:
    """Lower-case syllables (and latin words) of ``text``, without punctuation."""
    out = []
    for chunk in lazy_pinyin(text):
        for word in chunk.split():
            word = "".join(c for c in word if c.isalnum()).lower()
            if word:
                out.append(word)
    return out


def search_text(name: str) -> str:
    """``name`` followed by its full pinyin and pinyin initials, space separated, lower case.

    ``"张小明"`` → ``"张小明 zhangxiaoming zxm"``; ``"曾小明"`` → ``"曾小明 cengxiaoming
    zengxiaoming cxm zxm"``. A search for a prefix of any token after a space finds the name.
    """
    name = " ".join(name.split())
    if not name:
        return ""
    words = _words(name)
    rest = words[1:] if words else []
    first_readings: list[str] = []
    if words:
        first_readings.append(words[0])
        if "\u4e00" <= name[0] <= "\u9fff":
            for reading in pinyin(name[0], style=Style.NORMAL, heteronym=True)[0]:
                if reading not in first_readings and len(first_readings) < MAX_FIRST_READINGS:
                    first_readings.append(reading)
    full = [first + "".join(rest) for first in first_readings]
    initials = list(dict.fromkeys(first[0] + "".join(w[0] for w in rest) for first in full))
    tokens = [name.lower(), *dict.fromkeys(full), *initials]
    return " ".join(tokens)
