"""The English catalogue: complete, compiled, and used only when English is chosen."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

import huoban

MESSAGES = Path(huoban.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO = MESSAGES / "django.po"
MO = MESSAGES / "django.mo"

MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# %(name)s / %(n)d (python-format) and {value} (python-brace-format).
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, obsolete (#~) ones included; a deliberately small parser."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry = None
            continue
        if line.startswith("#~"):
            pytest.fail(f"{path.name}:{number}: obsolete entry left in the catalogue")
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry.fields[key] += _unquote(line)
        else:
            key, _space, value = line.partition(" ")
            entry.fields[key] = _unquote(value)
    return entries


def test_it_has_an_english_catalogue_with_an_english_header():
    header = parse_po(PO)[0]
    assert header.msgid == ""
    meta = header.fields["msgstr"]
    assert "Language: en\n" in meta
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in meta
    assert "Content-Type: text/plain; charset=UTF-8\n" in meta
    assert "fuzzy" not in header.flags


def test_it_translates_every_entry_keeping_placeholders_and_edges():
    entries = [e for e in parse_po(PO) if e.msgid]
    assert len(entries) > 400, "the catalogue looks truncated"
    problems = []
    for e in entries:
        where = f"line {e.line} {e.msgid!r}"
        if "fuzzy" in e.flags:
            problems.append(f"{where}: fuzzy")
        if "msgid_plural" in e.fields:
            if set(e.translations) != {"msgstr[0]", "msgstr[1]"}:
                problems.append(f"{where}: needs msgstr[0] and msgstr[1]")
        elif set(e.translations) != {"msgstr"}:
            problems.append(f"{where}: needs exactly one msgstr")
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        for key, text in e.translations.items():
            if not text.strip():
                problems.append(f"{where}: {key} is untranslated")
                continue
            if re.search(r"[\u4e00-\u9fff]", text):
                problems.append(f"{where}: {key} still has Chinese in it: {text!r}")
            formatted = e.flags & {"python-format", "python-brace-format"}
            if formatted and sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{where}: {key} placeholders differ: {text!r}")
            if text.startswith("\n") != e.msgid.startswith("\n"):
                problems.append(f"{where}: {key} leading newline differs")
            if text.endswith("\n") != e.msgid.endswith("\n"):
                problems.append(f"{where}: {key} trailing newline differs")
    assert not problems, "\n".join(problems)


def _msgfmt() -> str:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext's msgfmt is needed to check the catalogue")
        pytest.skip("GNU gettext's msgfmt is not installed")
    return msgfmt


def test_it_passes_msgfmt_checks_with_nothing_untranslated_or_fuzzy():
    result = subprocess.run(
        [_msgfmt(), "--check", "--statistics", "-o", os.devnull, str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics


def test_it_ships_a_compiled_catalogue_that_matches_the_po(tmp_path):
    assert MO.exists(), "run `huoban compilemessages` and commit django.mo"
    fresh = tmp_path / "django.mo"
    # The same command Django's compilemessages runs.
    subprocess.run([_msgfmt(), "--check-format", "-o", str(fresh), str(PO)], check=True)
    assert fresh.read_bytes() == MO.read_bytes(), (
        "django.mo is older than django.po: run `huoban compilemessages` in src/huoban"
    )


def choose_english(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_speaks_english_once_english_is_chosen_on_the_page(client, db):
    choose_english(client)
    body = client.get("/").content.decode()
    assert '<html lang="en"' in body
    assert "Hello! How can we help?" in body
    assert "Find a help point nearby" in body
    assert "Digital Partner · Seniors" in body
    assert "Read aloud" in body
    assert "找附近的服务点" not in body
    assert "您好！需要什么帮助？" not in body


def test_it_stays_chinese_by_default_even_for_an_english_browser(client, db):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert '<html lang="zh-CN"' in body
    assert "您好！需要什么帮助？" in body
    assert "Hello! How can we help?" not in body


def test_it_goes_back_to_chinese_when_chinese_is_chosen(client, db):
    choose_english(client)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="zh-CN"' in body
    assert "您好！需要什么帮助？" in body


@time_machine.travel(MONDAY_10AM, tick=False)
def test_it_shows_a_site_page_in_english_words(client, world):
    choose_english(client)
    body = client.get(f"/sites/{world.site_a.public_id}/").content.decode()
    assert '<html lang="en"' in body
    assert "Opening times this week" in body
    assert "Mon 23 Nov" in body
    assert "9:00 am–12:00 pm" in body
    assert "1:00 pm–5:00 pm" in body
    assert "Open now" in body
    assert "closes at 12:00 pm" in body
    for chinese in ("上午", "下午", "中午", "周一", "本周开放时间", "现在开放"):
        assert chinese not in body, chinese
