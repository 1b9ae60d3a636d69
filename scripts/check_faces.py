#!/usr/bin/env python3
"""The two layering rules import-linter cannot see, checked on the source (no Django needed).

1. **A face reads through selectors.** In the faces (``portal``, ``workspace``, ``api``) no
   code queries a model itself:

   * ``<Model>.objects…``, ``<Model>._default_manager`` or ``<Model>._base_manager`` —
     except ``<Model>.objects.none()``, the empty placeholder a form field starts with until
     the view gives it a selector's queryset (it reads nothing);
   * ``get_object_or_404(<Model>, …)`` or ``get_list_or_404(<Model>, …)`` with a model class
     (a capitalised name) where a selector's queryset belongs.

   Reads go through ``<app>/selectors.py`` (``<noun>s_for(user)``, already limited to the
   user's scope), writes through ``<app>/services.py``.

2. **Domain code never names a face's URL.** Outside the faces (and the ``demo`` app and the
   project's top-level modules, which sit above them), no module calls ``reverse()``,
   ``reverse_lazy()``, ``redirect()``, ``resolve_url()`` or ``redirect_to_login()`` with a
   face's URL name, nor holds one in a string; no template outside the faces' folders uses
   ``{% url %}`` with one. A face's URL names are those of the namespaces its URL modules
   declare (``app_name = "portal"``, ``urls_namespace="api"``); templates in a folder named
   after one of them belong to that face. Documents receive the public URL they print.

A line that is legitimately fine carries ``# faces: allowed — <reason>`` (on the line or on
the first line of its statement). Keep those rare.

What it cannot see (it reads syntax, not types, and never runs Django):

* **reads through related managers** — ``session.signups.filter(…)``, ``site.services.all()``:
  any attribute of an instance may be a manager, and telling them apart needs the models.
  Write them as selectors all the same (``classes.selectors.attendees(session)``); review
  catches the rest;
* **templates** — ``{{ site.services.all }}`` or a model method that queries, called from a
  template, is invisible here;
* **whether a selector is scoped** — a face that calls any function in ``selectors.py``
  passes, even one that returns every row. That a view shows only what the user may see is
  tested per view (the outsider tests, tests/workspace/test_scopes.py);
* names built at run time (``getattr(model, "objects")``, a URL name put together from
  pieces other than an f-string's start).

It refuses to pass vacuously: a missing face folder, or faces that declare no URL namespace
(so no URL name could ever be found in domain code), is an error, exit status 1.

Usage: ``.venv/bin/python scripts/check_faces.py [--src DIR]`` (default: the ``src`` folder
next to this script's folder). Exit status 1, with ``path:line: message`` for each finding
(or one message when the tree is not one it can check).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "huoban"
FACES = ("portal", "workspace", "api")
# Above the faces: may name their URLs (the demo prints where to sign in, settings names
# the login page).
ABOVE_FACES = ("demo",)
MANAGERS = ("objects", "_default_manager", "_base_manager")
FETCH_OR_404 = ("get_object_or_404", "get_list_or_404")
REVERSING = ("reverse", "reverse_lazy", "redirect", "resolve_url", "redirect_to_login")
MARKER = re.compile(r"#\s*faces:\s*allowed\b(?P<reason>.*)$")
REASON = re.compile(r"^\s*[—–:-]+\s*\S")


class NothingToCheck(Exception):
    """The tree lacks what the checks look at: they would pass without checking anything."""


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _text(node: ast.AST) -> str:
    return ast.unparse(node)


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


class _Source:
    """One module: its tree with parent links, and its allow markers."""

    def __init__(self, path: Path, shown: str):
        self.path = path
        self.shown = shown
        self.lines = path.read_text(encoding="utf-8").splitlines()
        self.tree = _parse(path)
        self.parents: dict[ast.AST, ast.AST] = {}
        for parent in ast.walk(self.tree):
            for child in ast.iter_child_nodes(parent):
                self.parents[child] = parent

    def statement_line(self, node: ast.AST) -> int:
        while not isinstance(node, ast.stmt) and node in self.parents:
            node = self.parents[node]
        return getattr(node, "lineno", 1)

    def marker(self, node: ast.AST) -> tuple[bool, Finding | None]:
        """Whether the node's line (or its statement's first line) is allowed; a marker
        without a reason is itself a finding."""
        for number in {getattr(node, "lineno", 1), self.statement_line(node)}:
            found = MARKER.search(self.lines[number - 1]) if number <= len(self.lines) else None
            if found:
                if REASON.match(found.group("reason")):
                    return True, None
                return True, Finding(
                    self.shown, number, "`# faces: allowed` needs a reason: `— why`"
                )
        return False, None


def _names_namespace(node: ast.AST) -> bool:
    """``app_name = "…"``, ``app_name: str = "…"`` or ``…(urls_namespace="…")``."""
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == "app_name" for t in node.targets)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and node.target.id == "app_name"
    return isinstance(node, ast.keyword) and node.arg == "urls_namespace"


def face_namespaces(package: Path) -> set[str]:
    """The URL namespaces the faces declare: ``app_name = "…"`` and ``urls_namespace="…"``."""
    found: set[str] = set()
    for face in FACES:
        for path in _python_files(package / face):
            for node in ast.walk(_parse(path)):
                names_namespace = _names_namespace(node)
                value = getattr(node, "value", None)
                if (
                    names_namespace
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    found.add(value.value)
    return found


def _model_reads(source: _Source) -> Iterator[tuple[ast.AST, str]]:
    """(node, message) for each direct model read in a face module."""
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            parent = source.parents.get(node)
            grandparent = source.parents.get(parent) if parent is not None else None
            if (
                node.attr == "objects"
                and isinstance(parent, ast.Attribute)
                and parent.attr == "none"
                and isinstance(grandparent, ast.Call)
                and not grandparent.args
            ):
                continue  # an empty placeholder: reads nothing
            key = f"{_text(node.value)}.{node.attr}"
            yield node, f"`{key}` queries a model in a face: read through a selector"
        elif isinstance(node, ast.Call) and _called_name(node) in FETCH_OR_404 and node.args:
            first = node.args[0]
            name = (
                first.id
                if isinstance(first, ast.Name)
                else first.attr
                if isinstance(first, ast.Attribute)
                else ""
            )
            if name[:1].isupper():
                key = f"{_called_name(node)}({_text(first)}"
                yield (
                    node,
                    f"`{key}, …)` fetches from a model class: give it a selector's queryset",
                )


def _face_url_name(value: ast.AST, namespaces: set[str]) -> str | None:
    """The face URL name a string (or the start of an f-string) spells, if any."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        text = value.value
    elif isinstance(value, ast.JoinedStr) and value.values:
        head = value.values[0]
        text = head.value if isinstance(head, ast.Constant) else ""
        text = text + "…" if ":" in text else ""
    else:
        return None
    match = re.fullmatch(r"([\w-]+):[\w…-]*", text)
    return text if match and match.group(1) in namespaces else None


def _url_names(source: _Source, namespaces: set[str]) -> Iterator[tuple[ast.AST, str]]:
    """(node, message) for each face URL name a domain module reverses or holds."""
    reported: set[ast.AST] = set()
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Call) and _called_name(node) in REVERSING:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                name = _face_url_name(arg, namespaces)
                if name:
                    reported.add(arg)
                    yield (
                        arg,
                        (
                            f"{_called_name(node)}({name!r}) names a face's URL in domain code: "
                            "take the URL as an argument from the face"
                        ),
                    )
    for node in ast.walk(source.tree):
        if node in reported or isinstance(source.parents.get(node), ast.JoinedStr):
            continue
        name = _face_url_name(node, namespaces)
        if name:
            yield node, f"{name!r} is a face's URL name in domain code: take the URL as an argument"


def _template_url_names(path: Path, shown: str, namespaces: set[str]) -> Iterator[Finding]:
    names = "|".join(map(re.escape, sorted(namespaces)))
    pattern = re.compile(r"{%\s*url\s+['\"](?P<name>(?:" + names + r"):[^'\"]*)")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for found in pattern.finditer(line):
            yield Finding(
                shown,
                number,
                f"{{% url '{found.group('name')}' %}} names a face's URL in a template the "
                "domain renders: pass the URL in the context",
            )


def check(src: Path) -> list[Finding]:
    """Every finding under ``src`` (the folder holding the ``huoban`` package)."""
    package = src / PACKAGE
    root = src.parent

    def shown(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()

    missing = [face for face in FACES if not (package / face / "__init__.py").is_file()]
    if missing:
        raise NothingToCheck(
            f"no face package {', '.join(missing)} in {shown(package)}: the faces are "
            f"{', '.join(FACES)} (update FACES in scripts/check_faces.py if they moved)"
        )
    namespaces = face_namespaces(package)
    if not namespaces:
        raise NothingToCheck(
            f'the faces in {shown(package)} declare no URL namespace (`app_name = "…"` or '
            '`urls_namespace="…"`): no face URL name could be found in domain code'
        )

    findings: list[Finding] = []

    for face in FACES:
        for path in _python_files(package / face):
            source = _Source(path, shown(path))
            for node, message in _model_reads(source):
                allowed, problem = source.marker(node)
                if problem:
                    findings.append(problem)
                if not allowed:
                    findings.append(Finding(source.shown, node.lineno, message))

    for app in sorted(p for p in package.iterdir() if p.is_dir()):
        if app.name in (*FACES, *ABOVE_FACES) or not (app / "__init__.py").exists():
            continue
        for path in _python_files(app):
            source = _Source(path, shown(path))
            for node, message in _url_names(source, namespaces):
                allowed, problem = source.marker(node)
                if problem:
                    findings.append(problem)
                if not allowed:
                    findings.append(Finding(source.shown, node.lineno, message))

    for templates in sorted(package.rglob("templates")):
        inside_face = any(part in FACES for part in templates.relative_to(package).parts)
        if not templates.is_dir() or inside_face:
            continue
        for path in sorted(templates.rglob("*.html")) + sorted(templates.rglob("*.txt")):
            if path.relative_to(templates).parts[0] in namespaces:
                continue  # templates/portal/…: the face's own
            findings.extend(_template_url_names(path, shown(path), namespaces))

    return sorted(set(findings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent / "src"
    parser.add_argument("--src", type=Path, default=default, help="folder holding huoban/")
    args = parser.parse_args(argv)
    try:
        findings = check(args.src.resolve())
    except NothingToCheck as exc:
        print(f"check_faces: {exc}", file=sys.stderr)
        return 1
    for finding in findings:
        print(finding)
    if findings:
        print(
            f"{len(findings)} finding(s): faces read through selectors, and domain code never "
            "names a face's URL (see scripts/check_faces.py).",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
