"""The layers hold: the import contract (.importlinter) and scripts/check_faces.py pass on
the real tree (every contract counted, every face namespace found), and each of them fails,
naming the offence, on a small package built to break it. Nothing here touches the
database."""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / ".importlinter"
CHECK_FACES = ROOT / "scripts" / "check_faces.py"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
TOP_LEVEL_MODULES = {"urls", "settings", "wsgi", "asgi", "__main__"}
# Every contract in .importlinter; a contract dropped or never run changes the count.
CONTRACTS = 8
# The URL namespaces of the faces: names under them may not appear in domain code.
FACE_NAMESPACES = {"portal", "workspace", "accounts", "api"}


def lint_imports(*, cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)  # before the installed huoban on sys.path
    return subprocess.run(
        [str(LINT_IMPORTS), str(CONTRACT), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def check_faces(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECK_FACES), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# --- The real tree ---------------------------------------------------------------------------


def test_the_real_tree_keeps_every_import_contract():
    parser = configparser.ConfigParser()
    parser.read(CONTRACT, encoding="utf-8")
    assert sum(s.startswith("importlinter:contract:") for s in parser.sections()) == CONTRACTS
    result = lint_imports(cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {CONTRACTS} kept, 0 broken." in result.stdout


def test_the_real_tree_reads_through_selectors_and_keeps_face_urls_in_the_faces():
    result = check_faces()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_check_faces_finds_every_face_namespace_of_the_real_tree(monkeypatch):
    module = check_faces_module(monkeypatch)
    assert module.face_namespaces(ROOT / "src" / "huoban") == FACE_NAMESPACES


def test_the_layers_name_every_app_once():
    layers = contract_layers()
    names = [name for layer in layers for name in layer]
    assert len(names) == len(set(names))
    apps = {p.name for p in (ROOT / "src" / "huoban").iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in (ROOT / "src" / "huoban").glob("*.py") if p.stem != "__init__"}
    assert set(names) == apps | modules
    assert ["portal", "workspace", "api"] in layers  # the faces: one layer, independent


# --- A throw-away huoban that breaks the contract ---------------------------------------------


def contract_layers() -> list[list[str]]:
    parser = configparser.ConfigParser()
    parser.read(CONTRACT, encoding="utf-8")
    raw = parser["importlinter:contract:layers"]["layers"]
    lines = [line.split("#")[0].strip() for line in raw.splitlines()]
    return [[n.strip() for n in re.split(r"[|:]", line)] for line in lines if line]


def fake_huoban(root: Path, files: dict[str, str] | None = None) -> Path:
    """A ``huoban`` package with every layer of the real contract (empty), plus ``files``."""
    package = root / "huoban"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    for layer in contract_layers():
        for name in layer:
            if name in TOP_LEVEL_MODULES:
                (package / f"{name}.py").write_text("")
            else:
                (package / name).mkdir()
                (package / name / "__init__.py").write_text("")
    for relative, text in (files or {}).items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_fake_tree_itself_keeps_the_contract(tmp_path):
    result = lint_imports(cwd=tmp_path, pythonpath=fake_huoban(tmp_path / "src"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_domain_app_importing_a_face_breaks_the_contract(tmp_path):
    src = fake_huoban(
        tmp_path / "src",
        {
            "portal/views.py": "def site_page(request):\n    return None\n",
            "people/documents.py": "from huoban.portal import views\n",
        },
    )
    result = lint_imports(cwd=tmp_path, pythonpath=src)
    assert result.returncode != 0
    out = result.stdout
    assert "No domain module imports a face BROKEN" in out
    assert "Layers: each part of huoban imports only from the layers below it BROKEN" in out
    assert "huoban.people.documents -> huoban.portal.views" in out


def test_two_domain_apps_importing_each_other_break_the_contract(tmp_path):
    src = fake_huoban(
        tmp_path / "src",
        {
            "sites/selectors.py": "from huoban.roster import selectors\n",
            "roster/selectors.py": "from huoban.sites import selectors\n",
        },
    )
    result = lint_imports(cwd=tmp_path, pythonpath=src)
    assert result.returncode != 0
    out = result.stdout
    assert "No import cycles between the parts of huoban BROKEN" in out
    assert "Layers: each part of huoban imports only from the layers below it BROKEN" in out
    assert "- .sites -> .roster" in out  # the cycle, and the import that breaks it
    # roster sits above sites: the import from below is the one named.
    assert "huoban.sites.selectors -> huoban.roster.selectors" in out


def broken_by(tmp_path, files: dict[str, str]) -> str:
    """lint-imports' report on the fake tree with ``files``; it must fail."""
    result = lint_imports(cwd=tmp_path, pythonpath=fake_huoban(tmp_path / "src", files))
    assert result.returncode != 0, result.stdout
    return result.stdout


LAYERS_BROKEN = "Layers: each part of huoban imports only from the layers below it BROKEN"


# (what is broken, the fake files, the contract that says so, the import it names)
PAIRS = [
    (
        "two faces importing each other",
        {"portal/views.py": "", "workspace/views.py": "from huoban.portal import views\n"},
        "Faces: the portal, the workspace and the API do not import each other",
        "huoban.workspace.views -> huoban.portal.views",
    ),
    (
        "targets and budget importing each other",
        {"targets/services.py": "", "budget/services.py": "from huoban.targets import services\n"},
        "targets and budget (one layer) do not import each other",
        "huoban.budget.services -> huoban.targets.services",
    ),
    (
        "roster and signin importing each other",
        {"roster/services.py": "", "signin/services.py": "from huoban.roster import services\n"},
        "roster and signin do not import each other",
        "huoban.signin.services -> huoban.roster.services",
    ),
    (
        "audit and notify importing each other",
        {"audit/services.py": "", "notify/channels.py": "from huoban.audit import services\n"},
        "audit and notify do not import each other",
        "huoban.notify.channels -> huoban.audit.services",
    ),
    (
        "lib importing a domain app",
        {"people/models.py": "", "lib/ids.py": "from huoban.people import models\n"},
        "lib imports no other part of huoban",
        "huoban.lib.ids -> huoban.people.models",
    ),
]


@pytest.mark.parametrize(
    ("files", "contract", "chain"), [pytest.param(*row[1:], id=row[0]) for row in PAIRS]
)
def test_a_forbidden_import_between_siblings_breaks_its_contract(tmp_path, files, contract, chain):
    out = broken_by(tmp_path, files)
    assert f"{contract} BROKEN" in out
    assert LAYERS_BROKEN in out
    assert chain in out


def test_an_app_left_out_of_the_layers_breaks_the_contract(tmp_path):
    src = fake_huoban(tmp_path / "src", {"calendar/__init__.py": ""})
    result = lint_imports(cwd=tmp_path, pythonpath=src)
    assert result.returncode != 0
    assert "The following modules are not listed as layers" in result.stdout
    assert "- huoban.calendar" in result.stdout


# --- A throw-away tree that breaks check_faces --------------------------------------------------

FACE_VIEWS = """\
from django.shortcuts import get_object_or_404

from huoban.sites.models import Site
from huoban.sites.selectors import sites_public


def site_list(request):
    return Site.objects.filter(status="active")


def site_page(request, public_id):
    return get_object_or_404(Site, public_id=public_id)


def site_page_scoped(request, public_id):
    return get_object_or_404(sites_public(), public_id=public_id)


def empty_choices():
    return Site.objects.none()


def counted():
    return Site._default_manager.count()  # faces: allowed — the fixture's own exception


def unexplained():
    return Site.objects.count()  # faces: allowed
"""

DOMAIN_DOCUMENT = """\
from django.urls import reverse

SITE_PAGE = "portal:site"


def public_url(site):
    return reverse("portal:site", kwargs={"public_id": site.public_id})


def not_a_face(site):
    return reverse("admin:index")
"""


def faces_tree(root: Path) -> Path:
    src = root / "src"
    files = {
        "huoban/__init__.py": "",
        "huoban/portal/__init__.py": "",
        "huoban/workspace/__init__.py": "",
        "huoban/api/__init__.py": "",
        "huoban/portal/urls.py": 'app_name = "portal"\nurlpatterns = []\n',
        "huoban/portal/views.py": FACE_VIEWS,
        "huoban/sites/__init__.py": "",
        "huoban/sites/models.py": "class Site:\n    pass\n",
        "huoban/sites/documents.py": DOMAIN_DOCUMENT,
        "huoban/templates/documents/poster.html": "<a href=\"{% url 'portal:site' id %}\">x</a>\n",
        "huoban/templates/portal/site.html": "<a href=\"{% url 'portal:home' %}\">home</a>\n",
    }
    for relative, text in files.items():
        path = src / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return src


def test_check_faces_names_every_direct_read_and_face_url_in_domain_code(tmp_path):
    result = check_faces("--src", str(faces_tree(tmp_path)))
    assert result.returncode == 1
    found = result.stdout.splitlines()
    assert found == [
        "src/huoban/portal/views.py:8: `Site.objects` queries a model in a face: "
        "read through a selector",
        "src/huoban/portal/views.py:12: `get_object_or_404(Site, …)` fetches from a model "
        "class: give it a selector's queryset",
        "src/huoban/portal/views.py:28: `# faces: allowed` needs a reason: `— why`",
        "src/huoban/sites/documents.py:3: 'portal:site' is a face's URL name in domain code: "
        "take the URL as an argument",
        "src/huoban/sites/documents.py:7: reverse('portal:site') names a face's URL in domain "
        "code: take the URL as an argument from the face",
        "src/huoban/templates/documents/poster.html:1: {% url 'portal:site' %} names a face's "
        "URL in a template the domain renders: pass the URL in the context",
    ]
    # Left alone: a selector's queryset, the empty placeholder, an explained exception, a
    # URL that is no face's, and the face's own template.


def test_check_faces_passes_a_tree_that_reads_through_selectors(tmp_path):
    src = faces_tree(tmp_path)
    views = src / "huoban/portal/views.py"
    views.write_text(
        "from huoban.sites.selectors import sites_public\n\n\n"
        "def site_list(request):\n    return sites_public()\n"
    )
    (src / "huoban/sites/documents.py").write_text(
        "def poster(site, *, public_url):\n    return public_url\n"
    )
    poster = src / "huoban/templates/documents/poster.html"
    poster.write_text('<a href="{{ public_url }}">x</a>\n')
    result = check_faces("--src", str(src))
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_faces_refuses_a_tree_without_a_face(tmp_path):
    src = faces_tree(tmp_path)
    (src / "huoban/workspace/__init__.py").unlink()
    (src / "huoban/workspace").rmdir()
    result = check_faces("--src", str(src))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "check_faces: no face package workspace in src/huoban" in result.stderr


def test_check_faces_refuses_faces_that_declare_no_url_namespace(tmp_path):
    src = faces_tree(tmp_path)
    (src / "huoban/portal/urls.py").write_text("urlpatterns = []\n")
    result = check_faces("--src", str(src))
    assert result.returncode == 1
    assert "declare no URL namespace" in result.stderr


def test_check_faces_reads_an_annotated_namespace(tmp_path, monkeypatch):
    src = faces_tree(tmp_path)
    (src / "huoban/portal/urls.py").write_text('app_name: str = "portal"\nurlpatterns = []\n')
    (src / "huoban/api/urls.py").write_text('api = NinjaAPI(urls_namespace="api")\n')
    module = check_faces_module(monkeypatch)
    assert module.face_namespaces(src / "huoban") == {"portal", "api"}
    result = check_faces("--src", str(src))
    assert result.returncode == 1
    assert "'portal:site' is a face's URL name in domain code" in result.stdout


def check_faces_module(monkeypatch):
    """scripts/check_faces.py, imported."""
    spec = importlib.util.spec_from_file_location("check_faces", CHECK_FACES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "check_faces", module)  # its dataclasses look it up
    spec.loader.exec_module(module)
    return module
