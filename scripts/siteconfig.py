"""Reads mkdocs.yml: the nav (as a list of page paths) and ``extra`` settings.

mkdocs.yml may hold tags such as ``!!python/name:...`` or ``!ENV``; they are read as plain values, since
only the nav and ``extra`` matter here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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
