"""Reads mkdocs.yml: the nav (as a list of page paths) and ``extra`` settings.

mkdocs.yml may hold tags such as ``!!python/name:...`` or ``!ENV``; they are read as plain values, since
only the nav and ``extra`` matter here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from scripts.docmodel import read_text
from scripts.errors import DocError


class _TolerantLoader(yaml.SafeLoader):
    """A SafeLoader that reads any unknown tag as the plain scalar, sequence or mapping under it."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("", _any_tag)


def load_config(path: Path = Path("mkdocs.yml")) -> dict[str, Any]:
    if not path.is_file():
        raise DocError(path, 1, "mkdocs configuration not found")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)  # noqa: S506 - safe subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DocError(
            path, (mark.line + 1) if mark else 1, f"malformed YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    except UnicodeDecodeError:
        raise DocError(path, 1, "invalid UTF-8") from None
    if not isinstance(data, dict):
        raise DocError(path, 1, "expected a mapping at the top level")
    return data


def nav_pages(config: dict[str, Any]) -> list[str]:
    """Every Markdown path named in the nav, in order (external links left out)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, str):
            if not node.startswith(("http://", "https://")):
                out.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(config.get("nav", []))
    return out


def verified_against(config: dict[str, Any]) -> dict[str, str]:
    extra = config.get("extra") or {}
    versions = extra.get("verified_against") or {}
    return {str(k): str(v) for k, v in versions.items()}


def written_for(config: dict[str, Any]) -> str:
    extra = config.get("extra") or {}
    return str(extra.get("written_for") or "")


def differs_from_runtime(config: dict[str, Any]) -> str:
    """Where the checks cannot use what the target runtime ships, and why (empty when they can)."""
    extra = config.get("extra") or {}
    return " ".join(str(extra.get("differs_from_runtime") or "").split())


def pinned_versions(pyproject: Path) -> dict[str, str]:
    """``name -> version`` of every ``name==version`` requirement in pyproject.toml's optional dependencies.
    Raises DocError when the file is missing or malformed."""
    try:
        data = tomllib.loads(read_text(pyproject))
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
        raise DocError(pyproject, line, f"malformed TOML: {exc}") from None
    extras = (data.get("project") or {}).get("optional-dependencies") or {}
    pins: dict[str, str] = {}
    for requirements in extras.values():
        for requirement in requirements if isinstance(requirements, list) else []:
            m = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*==\s*([^\s;,]+)\s*", str(requirement))
            if m:
                pins[re.sub(r"[._]+", "-", m.group(1).lower())] = m.group(2)
    return pins

