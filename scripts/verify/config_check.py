"""Config oracle: json, yaml, toml and ini blocks parse, and bundle YAML matches the bundle schema.

Parsers: ``json`` (stdlib), PyYAML ``safe_load_all``, ``tomllib``, ``configparser`` (the format of
``~/.databrickscfg``: strict, so a duplicate profile or key is an error; no interpolation). A parse
error is reported at the Markdown line of the line the parser names. ``//`` comments and ``...``
placeholders make a JSON block invalid: the reader cannot paste it, so it is reported.

A YAML document is checked as **bundle configuration** (``scripts/data/bundle-config.schema.json``,
the schema ``databricks bundle schema`` prints) when it is a mapping and either

* it has a top-level ``bundle`` key (a ``databricks.yml``), or
* every top-level key is a bundle top-level key, one of them is ``resources`` or ``targets``, and
  ``resources`` (if present) names at least one bundle resource type (``jobs``, ``pipelines`` ...):
  a file pulled in through ``include``, such as ``resources/my_job.yml``.

Other YAML (GitHub workflows, Helm values, MLflow files ...) is only parsed. The most relevant schema
error is reported with its JSON path, at the line of the offending key.

About the schema: every non-string value is ``oneOf: [<the real type>, <string matching
${resources.*}|${bundle.*}|${workspace.*}|${artifacts.*}|${var.*}>]``, so ``${var.x}`` is accepted
wherever a number, a boolean or a whole mapping is expected. When reporting, the branch whose type
matches the value is followed, so a typo inside a mapping is reported as the unknown key, not as
"is not of type 'string'". The patterns use ECMAScript ``\\p{L}``/``\\p{N}``, which Python's ``re``
lacks: they are rewritten once to ``[^\\W\\d_]`` (letters) and ``[^\\W_]`` (letters and digits).
The published root allows any extra key; the CLI warns "unknown field" for them, and a typo at the
root (``resource:``) silently drops a whole section, so the root is closed here.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from scripts.docmodel import Block
from scripts.verify.base import Context, OracleResult, code_line, key

NAME = "config"
LANGUAGES = frozenset({"json", "yaml", "toml", "ini"})
BUNDLE_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "bundle-config.schema.json"
TOML_POSITION_RE = re.compile(r"\(at line (?P<line>\d+), column (?P<col>\d+)\)")


@lru_cache(maxsize=1)
def bundle_schema() -> dict[str, Any]:
    """The bundle schema, made usable by Python's ``re`` and closed at the root (see module doc)."""
    schema = json.loads(BUNDLE_SCHEMA.read_text(encoding="utf-8"))

    def rewrite(node: Any) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "pattern" and isinstance(value, str):
                    node[name] = value.replace(r"[\p{L}\p{N}]", r"[^\W_]").replace(r"\p{L}", r"[^\W\d_]")
                else:
                    rewrite(value)
        elif isinstance(node, list):
            for value in node:
                rewrite(value)

    rewrite(schema)
    schema["additionalProperties"] = False
    return schema


@lru_cache(maxsize=1)
def bundle_validator() -> Draft202012Validator:
    """One validator for the whole run (the schema is ~900 KB)."""
    return Draft202012Validator(bundle_schema())


def resource_types() -> frozenset[str]:
    """The resource types a bundle knows (``jobs``, ``pipelines`` ...), read from the schema."""
    ref = bundle_schema()["properties"]["resources"]["$ref"]
    node: Any = bundle_schema()
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    branch = next(b for b in node.get("oneOf", [node]) if b.get("type") == "object")
    return frozenset(branch.get("properties", {}))


def is_bundle_config(doc: object) -> bool:
    """Whether a YAML document is bundle configuration (the rule in the module docstring)."""
    if not isinstance(doc, dict) or not doc:
        return False
    keys = {str(k) for k in doc}
    if "bundle" in keys:
        return True
    if not keys <= set(bundle_schema()["properties"]) or not keys & {"resources", "targets"}:
        return False
    resources = doc.get("resources")
    if "resources" in keys:
        return isinstance(resources, dict) and bool({str(k) for k in resources} & resource_types())
    return True


def is_interpolation_branch(schema: object) -> bool:
    """A oneOf branch that accepts a ``${...}`` reference string instead of the real value."""
    return isinstance(schema, dict) and str(schema.get("pattern", "")).startswith(r"\$\{")


def most_relevant(error: ValidationError) -> tuple[ValidationError, bool]:
    """Descend through oneOf/anyOf to the error a reader can act on; also say if ``${...}`` was allowed.

    ``${...}`` branches are dropped unless the value is a string holding ``${``; so are branches that
    reject the value for its type alone when another branch accepts the type (a mapping is reported
    against the mapping schema). When every branch rejects the type, the first (the real type) is used.
    """
    interpolation_allowed = False
    while error.validator in ("oneOf", "anyOf") and error.context:
        schema = error.schema if isinstance(error.schema, dict) else {}
        alternatives = schema.get(str(error.validator), [])
        branches: dict[int, list[ValidationError]] = {}
        for sub in error.context:
            index = int(sub.relative_schema_path[0])
            if index < len(alternatives) and is_interpolation_branch(alternatives[index]):
                interpolation_allowed = True
                if not (isinstance(error.instance, str) and "${" in error.instance):
                    continue
            branches.setdefault(index, []).append(sub)
        if not branches:
            break
        fitting = [
            errs for errs in branches.values() if not any(e.validator == "type" and not e.relative_path for e in errs)
        ]
        candidates = [e for errs in fitting for e in errs] if fitting else branches[min(branches)]
        error = best_match(candidates)
    return error, interpolation_allowed


def error_location(error: ValidationError) -> list[str | int]:
    """The instance path to point at; for an unknown key, the key itself."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = sorted(str(k) for k in error.instance if str(k) not in known)
        if extra:
            path.append(extra[0])
    return path


def node_line(root: yaml.Node | None, path: Sequence[str | int]) -> int:
    """0-based line of the YAML node at ``path`` (or of its deepest existing ancestor)."""
    if root is None:
        return 0
    node: yaml.Node = root
    line = node.start_mark.line
    for part in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    child, line = v, k.start_mark.line
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            item: yaml.Node = node.value[part]
            child, line = item, item.start_mark.line
        if child is None:
            break
        node = child
    return line


def bundle_findings(doc: Any, node: yaml.Node | None) -> Iterator[tuple[int, str]]:
    """(0-based line, message) of the most relevant schema error of one bundle document."""
    error = best_match(bundle_validator().iter_errors(doc))
    if error is None:
        return
    error, interpolation_allowed = most_relevant(error)
    where = error.json_path
    message = error.message
    if len(message) > 200:
        message = message[:197] + "..."
    if interpolation_allowed and error.validator == "type":
        message += " (nor a ${var.name} reference)"
    yield node_line(node, error_location(error)), f"bundle configuration: {where}: {message}"


def check_json(code: str) -> Iterator[tuple[int, str]]:
    try:
        json.loads(code)
    except json.JSONDecodeError as exc:
        line = code.split("\n")[exc.lineno - 1] if exc.lineno - 1 < len(code.split("\n")) else ""
        hint = ""
        if "//" in line or "/*" in line:
            hint = ": JSON has no comments"
        elif "..." in line:
            hint = ": `...` is not a JSON value; write a complete example"
        yield exc.lineno - 1, f"invalid JSON: {exc.msg} (column {exc.colno}){hint}"


def check_yaml(code: str) -> Iterator[tuple[int, str]]:
    try:
        docs = list(yaml.safe_load_all(code))
        nodes = list(yaml.compose_all(code))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        text = f"{context}: {problem}" if context else problem
        yield (mark.line if mark else 0), f"invalid YAML: {text}"
        return
    for doc, node in zip(docs, nodes, strict=False):
        if is_bundle_config(doc):
            yield from bundle_findings(doc, node)


def check_toml(code: str) -> Iterator[tuple[int, str]]:
    try:
        tomllib.loads(code)
    except tomllib.TOMLDecodeError as exc:
        text = str(exc)
        m = TOML_POSITION_RE.search(text)
        if m:
            line0 = int(m.group("line")) - 1
        else:  # "(at end of document)"
            line0 = max(code.rstrip("\n").count("\n"), 0)
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", text).strip()
        yield line0, f"invalid TOML: {reason}" + (f" (column {m.group('col')})" if m else " (at the end of the block)")


def check_ini(code: str) -> Iterator[tuple[int, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(code)
    except configparser.MissingSectionHeaderError as exc:
        yield exc.lineno - 1, "invalid INI: a [section] header (a profile such as [DEFAULT]) must come first"
    except configparser.ParsingError as exc:
        for lineno, text in exc.errors:
            yield lineno - 1, f"invalid INI: cannot parse {text} (expected key = value)"
    except (configparser.DuplicateSectionError, configparser.DuplicateOptionError) as exc:
        what = f"option {exc.option!r} in " if isinstance(exc, configparser.DuplicateOptionError) else ""
        yield (exc.lineno or 1) - 1, f"invalid INI: duplicate {what}section [{exc.section}]"
    except configparser.Error as exc:
        yield 0, f"invalid INI: {exc.message}"


CHECKERS = {"json": check_json, "yaml": check_yaml, "toml": check_toml, "ini": check_ini}


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    """Parse every config block; validate bundle YAML against the bundle schema."""
    result = OracleResult(NAME)
    for block in blocks:
        if block.language not in LANGUAGES or block.is_skipped or block.is_output:
            continue
        result.checked.add(key(block))
        for line0, message in CHECKERS[block.language](block.code):
            result.fail(block, message, code_line(block, line0))
    return result
