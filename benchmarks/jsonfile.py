"""Read a JSON object from a file, turning every failure into a ``file:line: message`` DocError."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scripts.docmodel import read_text
from scripts.errors import DocError


def load_object(path: Path) -> dict:
    """The JSON object stored in ``path``. Raises DocError when the file is missing, unreadable, not JSON, or
    holds something other than an object."""
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocError(path, exc.lineno, f"malformed JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(data, dict):
        raise DocError(path, 1, f"expected a JSON object, found {type(data).__name__}")
    return data


def key_line(path: Path, key: str) -> int:
    """The 1-based line where ``"key":`` first appears in the file (1 when it does not), to point an error at."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    match = re.search(rf'"{re.escape(key)}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 1
