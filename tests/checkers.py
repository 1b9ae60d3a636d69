"""The outside checkers ACCESSIBILITY.md names, as the tests run them (``make tools``):
the W3C Nu HTML checker (Java) and Lighthouse (Node.js), pinned in tools/package-lock.json."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = TOOLS / "lighthouse" / "cli" / "index.js"


def need(path: Path, program: str) -> str:
    """The program to run the tool with; skipped (failed under CI) when either is missing."""
    found = shutil.which(program)
    if found and path.exists():
        return found
    message = f"{path.name} or {program} is missing: run `make tools`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def nu_errors(files: list[Path]) -> list[str]:
    """The Nu HTML checker's errors in these files, as "name line N: message"."""
    java = need(VNU, "java")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).stem} line {m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") in {"error", "non-document-error"}
    ]
