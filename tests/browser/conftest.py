"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One Chromium for the whole session; a fresh browser context (cookies, permissions, locale
zh-CN) for every page a test opens. Every request is recorded, so a test can say none
went to a host other than the live server's loopback address.

ACCESSIBILITY.md "How it is checked" is the brief: axe-core with the WCAG A/AA tags (and
AAA contrast on elder pages), plus our own checks of font sizes, targets and reflow.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from huoban.sites.models import DeskPeriod, Site
from tests.conftest import PASSWORD, World, site_in

# Playwright's sync API runs an event loop in this thread; Django's ORM (used by fixtures
# while the live server answers requests) would otherwise refuse to run next to it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}
AXE_JS = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_URL = settings.STATIC_URL + "vendor/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}  # a common cheap-phone viewport, CSS pixels


@pytest.fixture(autouse=True)
def _keep_migration_data(django_db_serialized_rollback):
    """The live server needs a transactional database, flushed after each test; this puts
    the rows the migrations made (the service catalogue) back before each test."""


# --- Chromium --------------------------------------------------------------------------------


# One Chromium per test run, even when another directory's conftest imports this fixture
# (a second Playwright sync API cannot start next to the first).
_running: dict[str, object] = {}


@pytest.fixture(scope="session")
def browser(request, live_server):
    """The session's Chromium; skipped (or, under CI, failed) when Chromium is missing.

    It asks for live_server so that the server outlives it: Chromium's keep-alive
    connections close before the server (and the database connection it shares) stops.
    """
    if not os.access(CHROMIUM, os.X_OK):
        message = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {message}: the browser tests cannot run.")
        pytest.skip(message)
    if "chromium" not in _running:
        from django.db import connections
        from playwright.sync_api import sync_playwright

        original = connections["default"]
        stack = contextlib.ExitStack()
        stack.enter_context(_same_database_connection())
        playwright = stack.enter_context(sync_playwright())
        assert connections["default"] is original, "Django opened a second connection"
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(chromium.close)
        _running["chromium"] = chromium

        def close():
            _running.clear()
            stack.close()

        request.addfinalizer(close)
    return _running["chromium"]


@contextlib.contextmanager
def _same_database_connection():
    """Keep Django's database connection the one the test database was made on.

    Playwright's sync API leaves its event loop marked as running in this thread, and
    Django's connection handler (asgiref's thread-critical ``Local``) then looks the
    connection up in a context variable instead of the thread-local, i.e. opens a second
    connection. That one lacks the serialized migration data (so the service catalogue is
    not restored between tests) and is not the connection the live server shares. Point
    the context-variable lookup back at the thread-local storage while the browser runs.
    """
    from django.db import connections

    storage = connections._connections._storage  # a threading.local
    storage.cvar = storage
    try:
        yield
    finally:
        with contextlib.suppress(AttributeError):
            del storage.cvar


def is_outside(url: str) -> bool:
    """Whether a request leaves the machine (data: and blob: URLs never do)."""
    return not url.startswith(("data:", "blob:")) and urlsplit(url).hostname not in LOOPBACK


@dataclass
class Opened:
    """What the contexts opened by one test saw."""

    requests: list[str] = field(default_factory=list)  # every URL asked for
    outside: list[str] = field(default_factory=list)  # URLs on non-loopback hosts
    errors: list[str] = field(default_factory=list)  # console errors and page errors


@pytest.fixture
def opened() -> Opened:
    return Opened()


@pytest.fixture
def new_page(browser, live_server, opened) -> Iterator[Callable]:
    """``new_page(viewport=..., java_script_enabled=..., **context_options)`` → a page.

    Each call opens a new context (locale zh-CN, time zone Asia/Shanghai) so cookies and
    permissions never leak between pages that should not share them.
    """
    contexts = []

    def record(request):
        opened.requests.append(request.url)
        if is_outside(request.url):
            opened.outside.append(request.url)

    def make(*, viewport: dict | None = None, **options):
        context = browser.new_context(
            base_url=live_server.url,
            locale="zh-CN",
            timezone_id=settings.TIME_ZONE,
            viewport=viewport or PHONE,
            **options,
        )
        context.set_default_timeout(10_000)
        context.on("request", record)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda m: opened.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda exc: opened.errors.append(f"pageerror: {exc}"))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(request, new_page):
    """A page in a new context; ``@pytest.mark.viewport(width, height)`` sets its size."""
    marker = request.node.get_closest_marker("viewport")
    viewport = {"width": marker.args[0], "height": marker.args[1]} if marker else None
    return new_page(viewport=viewport)


def pytest_configure(config):
    config.addinivalue_line("markers", "viewport(width, height): the page fixture's viewport")


# --- axe-core --------------------------------------------------------------------------------

_AXE_RUN = """
async ({tags, aaa}) => {
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  if (aaa) options.rules = {"color-contrast-enhanced": {enabled: true}};
  const r = await window.axe.run(document, options);
  const ran = [...r.violations, ...r.passes, ...r.incomplete, ...r.inapplicable].map(x => x.id);
  // WCAG 2.5.8's "equivalent" exception: map markers crowd each other, but every marker's
  // site also has a full-size link in the list under the map. Only such markers are let off.
  const siteNames = new Set([...document.querySelectorAll("a.site-link")]
    .map(a => a.textContent.trim()));
  const hasEquivalent = n => {
    const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
    return !!el && el.classList.contains("leaflet-marker-icon") &&
      siteNames.has((el.getAttribute("alt") || "").trim());
  };
  for (const v of r.violations) {
    if (v.id === "target-size") v.nodes = v.nodes.filter(n => !hasEquivalent(n));
  }
  return {
    ran,
    violations: r.violations.filter(v => v.nodes.length).map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
    })),
  };
}
"""


def axe(page, *, aaa_contrast: bool) -> list[dict]:
    """Run axe-core on the page; return its violations (``[]`` when there are none)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # The vendored file, served by the live server: the page's CSP (script-src 'self',
        # no inline scripts) allows it, so the pages are checked with their real CSP on.
        assert AXE_JS.is_file(), f"axe-core is not vendored at {AXE_JS}"
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate(_AXE_RUN, {"tags": AXE_TAGS, "aaa": aaa_contrast})
    # The checks must really have run, or "no violations" means nothing.
    assert "html-has-lang" in result["ran"], "axe did not run the WCAG A rules"
    if aaa_contrast:
        assert "color-contrast-enhanced" in result["ran"], "axe did not run the AAA contrast rule"
    return result["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def assert_no_axe_violations(page, *, aaa_contrast: bool) -> None:
    violations = axe(page, aaa_contrast=aaa_contrast)
    assert not violations, f"axe found violations on {page.url}:\n" + describe_violations(
        violations
    )


# --- The elder pages -------------------------------------------------------------------------

ELDER_PAGES = [
    "home",
    "finder",
    "finder-open",
    "finder-near",
    "map",
    "site-open",
    "site-closed",
    "help",
    "login",
    "login-error",
    "timetable",
    "class",
    "sign-in",
    "sign-in-error",
    "sign-in-code",
    # signed in as the elder persona from here on
    "me",
    "sign-up",
    "signup",
]
SIGNED_IN_PAGES = {"me", "sign-up", "signup"}
PORTAL_CLASS = "智能手机入门（无障碍检查）"


@pytest.fixture
def sites(world: World) -> dict[str, Site]:
    """The world's sites plus one always open and one with no hours at all.

    So both site page states (open; closed with the "open nearby" list) exist whatever
    the time of day the suite runs.
    """
    always = site_in(world.caoyang, world.org, "曹杨全天服务点", "31.241000", "121.411000")
    DeskPeriod.objects.filter(site=always).delete()
    for weekday in range(7):
        DeskPeriod.objects.create(
            site=always, weekday=weekday, start=dt.time(0), end=dt.time(23, 59, 59)
        )
    never = site_in(world.changfeng, world.org, "长风暂停服务点", "31.225000", "121.398000")
    DeskPeriod.objects.filter(site=never).delete()
    return {
        "a": world.site_a,
        "b": world.site_b,
        "c": world.site_c,
        "open": always,
        "closed": never,
    }


def open_elder_page(page, key: str, sites: dict[str, Site], world: World):
    """Go to one of ELDER_PAGES; return the navigation response (or the submit's)."""
    paths = {
        "home": "/",
        "finder": "/sites/",
        "finder-open": "/sites/?open=on",
        "finder-near": f"/sites/?near={world.caoyang.code}",
        "map": "/map/",
        "site-open": f"/sites/{sites['open'].public_id}/",
        "site-closed": f"/sites/{sites['closed'].public_id}/",
        "help": "/help/",
        "login": "/accounts/login/",
        "login-error": "/accounts/login/",
    }
    if key in {"timetable", "class", *SIGNED_IN_PAGES}:
        session = portal_class(world)
        paths |= {
            "timetable": "/classes/",
            "class": f"/classes/{session.public_id}/",
            "me": "/me/",
            "sign-up": f"/classes/{session.public_id}/sign-up/?elder={grandma(world).public_id}",
        }
    if key in SIGNED_IN_PAGES:
        sign_in_as_elder(page, world)
    if key == "signup":
        paths["signup"] = f"/signups/{portal_signup(world).public_id}/"
    if key.startswith("sign-in"):
        paths[key] = "/me/sign-in/"
    response = page.goto(paths[key])
    assert response is not None and response.ok, f"{key}: {response and response.status}"
    if key in {"sign-in-error", "sign-in-code"}:
        from huoban.accounts.models import SignInCode

        fresh = f"137{SignInCode.objects.count():08d}"  # a number not asked for yet
        page.get_by_label("手机号码").fill("12345" if key == "sign-in-error" else fresh)
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name="获取验证码").click()
    if key == "login-error":
        page.get_by_label("手机号码").fill("13900000999")
        page.get_by_label("密码").fill("not-the-password")
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name="登录").click()
    return response


def portal_class(world: World):
    """A published class at site A, two weeks and more ahead (made once per test)."""
    from django.utils import timezone

    from huoban.classes.models import ClassSession
    from huoban.classes.services import session_create, session_publish

    found = ClassSession.objects.filter(title=PORTAL_CLASS).first()
    if found is not None:
        return found
    site = world.site_a
    site.classroom_capacity = 30
    site.save()
    day = timezone.localdate() + dt.timedelta(days=20)
    start = dt.datetime.combine(day, dt.time(14), timezone.get_current_timezone())
    session = session_create(
        actor=world.personas["site_manager"],
        site=site,
        title=PORTAL_CLASS,
        start=start,
        end=start + dt.timedelta(minutes=90),
        capacity=20,
        teacher="王老师",
    )
    session_publish(actor=world.personas["site_manager"], session=session)
    return session


def grandma(world: World):
    """The elder persona's own elder record (李阿姨), linked to her account."""
    from django.utils import timezone

    from huoban.accounts.models import ElderLink
    from huoban.people.models import Elder
    from huoban.people.services import elder_create

    found = Elder.objects.filter(name="李阿姨").first()
    if found is not None:
        return found
    elder = elder_create(
        actor=world.personas["city_admin"], site=world.site_a, name="李阿姨", consent=True
    )
    ElderLink.objects.create(
        user=world.personas["elder"],
        elder=elder,
        relation="self",
        consent_method="desk",
        consent_at=timezone.now(),
    )
    return elder


def portal_signup(world: World):
    from huoban.classes.models import SignUp
    from huoban.classes.services import signup_create

    elder = grandma(world)
    session = portal_class(world)
    found = SignUp.objects.filter(session=session, elder=elder).first()
    return found or signup_create(actor=world.personas["elder"], session=session, elder=elder)


def sign_in_as_elder(page, world: World) -> None:
    """Give the page's context the elder persona's session cookie (the SMS sign-in has its
    own tests)."""
    from django.test import Client

    grandma(world)
    client = Client()
    client.force_login(world.personas["elder"])
    if page.url == "about:blank":
        page.goto("/")
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": origin}]
    )


def sign_in(page, mobile: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation() as nav:
        page.locator("main").get_by_role("button", name="登录").click()
    return nav.value


# --- Measurements taken in the page ----------------------------------------------------------

FONT_SIZES_JS = """
() => {
  const visible = el => {
    if (!el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    return cs.visibility === "visible" && parseFloat(cs.opacity) > 0;
  };
  const ownText = el => [...el.childNodes]
    .filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join("").trim();
  const items = [];
  for (const el of document.querySelectorAll(
      "main p, main li, main a, main td, main th, main label, main span, main button")) {
    if (!visible(el)) continue;
    const isParagraph = el.tagName === "P";
    const text = isParagraph ? el.textContent.trim() : ownText(el);
    if (!text) continue;
    items.push({
      what: el.tagName.toLowerCase() + (el.className ? "." + String(el.className) : ""),
      text: text.slice(0, 24), size: parseFloat(getComputedStyle(el).fontSize),
      paragraph: isParagraph,
    });
  }
  return {body: parseFloat(getComputedStyle(document.body).fontSize), items};
}
"""

# Primary targets (MIIT: ≥ 60 × 60 on elder pages); every other target ≥ 44 × 44 unless
# WCAG 2.5.5 exempts it:
# * "inline": a link that sits inside a sentence, i.e. an inline <a> whose paragraph (or
#   list item, cell) has other text. A link alone in its paragraph is a standalone target
#   and is measured.
# * "equivalent": a map marker whose site also has a full-size link in the list below.
# Elements parked off-screen (the skip link until it is focused) are not targets.
TARGETS_JS = """
() => {
  const PRIMARY = ".button, .choice, .tool-button, .size-form button, a.site-link, select, " +
    "textarea, input[type=text], input[type=search], input[type=tel], input[type=password], " +
    "input[type=email], input[type=number], input:not([type])";
  const ANY = "a[href], button, input:not([type=hidden]), select, textarea, summary, " +
    "[role=button], [role=link], [tabindex]:not([tabindex='-1'])";
  const siteNames = new Set([...document.querySelectorAll("a.site-link")]
    .map(a => a.textContent.trim()));
  const out = [];
  for (const el of document.querySelectorAll(ANY)) {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if ((!r.width && !r.height) || cs.visibility !== "visible") continue;
    if (r.right <= 0 || r.bottom <= 0) continue;
    let exempt = null;
    if (el.tagName === "A" && cs.display === "inline") {
      const block = el.parentElement.closest("p, li, td, dd");
      if (block && block.textContent.replace(el.textContent, "").trim()) exempt = "inline";
    }
    if (el.classList.contains("leaflet-marker-icon") &&
        siteNames.has((el.getAttribute("alt") || el.title || "").trim())) exempt = "equivalent";
    const label = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim();
    out.push({
      what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
        (typeof el.className === "string" && el.className ? "." + el.className : "") +
        " “" + label.replace(/\\s+/g, " ").slice(0, 20) + "”",
      width: r.width, height: r.height, primary: el.matches(PRIMARY), exempt,
    });
  }
  return out;
}
"""

REFLOW_JS = """
() => {
  const wide = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          wide: wide.slice(0, 8)};
}
"""


def assert_no_horizontal_scroll(page, what: str) -> None:
    m = page.evaluate(REFLOW_JS)
    assert m["scrollWidth"] <= m["innerWidth"], (
        f"{what}: {page.url} scrolls sideways: {m['scrollWidth']} px of content in "
        f"{m['innerWidth']} px; too wide: {m['wide']}"
    )


def elder_target_problems(page) -> list[str]:
    """Targets under the elder sizes: primary < 60 × 60 px, others < 44 × 44 px."""
    targets = page.evaluate(TARGETS_JS)
    assert any(t["primary"] for t in targets), f"{page.url}: no primary target: check is hollow"
    problems = []
    for t in targets:
        need = 60 if t["primary"] else 44
        if t["exempt"] is None and (t["width"] < need or t["height"] < need):
            problems.append(f"{t['what']} is {t['width']:.0f}×{t['height']:.0f} px, needs {need}")
    return problems


def elder_font_problems(page) -> list[str]:
    """Body text under 22 px, any text in main under 18 px, a paragraph under 22 px."""
    m = page.evaluate(FONT_SIZES_JS)
    assert len(m["items"]) >= 3, f"{page.url}: no text found in main: check is hollow"
    problems = [f"body text is {m['body']} px"] if m["body"] < 22 else []
    for i in m["items"]:
        need = 22 if i["paragraph"] else 18
        if i["size"] < need:
            problems.append(f"{i['what']} “{i['text']}” is {i['size']} px, needs {need}")
    return problems
