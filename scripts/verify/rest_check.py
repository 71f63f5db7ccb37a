"""The REST oracle: every REST call a page shows must be one the installed databricks-sdk makes.

The calls (http request blocks, ``curl`` and ``databricks api`` in shell, Python HTTP clients) are found
by ``scripts.verify.rest_calls``, which says what is read where. Each call is compared with the SDK's
endpoint index (``scripts.verify.sdk_endpoints``): an unknown path, a path the SDK calls with another
method, an older (or otherwise different) API version than the SDK uses, and request-body keys that are
not fields of that request (nested objects, lists and maps included; the finding names the JSON path,
e.g. ``new_cluster.num_worker``); a body that is not valid JSON is reported, a body read from a file is
not checked. Query strings are ignored; placeholders (``<job-id>``, ``{job_id}``, ``$JOB_ID``, ``123``)
match any path parameter.

Paths outside ``/api/`` are checked only where Databricks serves a REST API there:
``/serving-endpoints/{name}/invocations`` is in the SDK (ServingEndpointsAPI.query), and
``/oidc/...`` (``/oidc/v1/token``, ``/oidc/accounts/{account_id}/v1/token``) is the standard OAuth
2.0 token endpoint, which the SDK reaches through its OAuth client rather than ``_api.do``; it is
accepted as is. URLs whose host is a concrete non-Databricks domain are ignored.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from scripts.docmodel import Block
from scripts.verify.base import Context, OracleResult, key
from scripts.verify.rest_calls import LANGUAGES, UNKNOWN, JsonPath, RestCall, rest_calls
from scripts.verify.sdk_endpoints import (
    Endpoint,
    EndpointIndex,
    FieldType,
    load_endpoints,
    path_segments,
    strip_query,
    version_of,
)

NAME = "rest"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version))


def _family(template: str, version: str | None) -> str:
    """The API a path belongs to: ``clusters`` in /api/2.1/clusters/create."""
    segments = [s for s in template.split("/") if s]
    if version in segments:
        rest = segments[segments.index(version) + 1 :]
        return rest[0] if rest and "{" not in rest[0] else "this API"
    return "this API"


def _path_findings(index: EndpointIndex, call: RestCall) -> tuple[Endpoint | None, list[str]]:
    """The endpoint a call reaches, or why it reaches none."""
    path = strip_query(call.path)
    shown = f"{call.method} {path}"
    sdk = f"databricks-sdk {index.sdk_version}"
    if path.startswith("/oidc/"):
        return None, []
    endpoint = index.match(call.method, path)
    if endpoint is not None:
        return endpoint, []
    methods = index.other_methods(call.method, path)
    if methods:
        callers = ", ".join(sorted({e.caller for e in index.candidates(path)}))
        return None, [f"{shown}: wrong method, {sdk} calls this path with {' or '.join(methods)} ({callers})"]
    others = index.other_versions(call.method, path)
    if others:
        call_version = version_of(path) or "?"
        target = others[0]
        family = _family(target.template, target.version)
        used = target.version or "?"
        relation = (
            "an older version" if _version_key(call_version) < _version_key(used) else "not a version the SDK calls"
        )
        how = f"{target.method} {target.template}"
        message = f"{shown}: {family} is {used} in {sdk}, not {call_version} ({relation}; the SDK calls {how})"
        if target.method != call.method:
            message += f"; note the method is {target.method}, not {call.method}"
        return None, [message]
    suggestion = _closest_template(index, call.method, path)
    hint = f"; did you mean {call.method} {suggestion}?" if suggestion else ""
    return None, [f"{shown}: unknown endpoint, {sdk} calls no {call.method} at this path{hint}"]


def _closest_template(index: EndpointIndex, method: str, path: str) -> str | None:
    """The SDK template most like an unknown path (comparing fixed segments where the shapes agree)."""
    segments = path_segments(path)
    best, best_ratio = None, 0.65
    for endpoint in index.endpoints:
        if endpoint.method != method or endpoint.opaque:
            continue
        template_segments = path_segments(endpoint.template)
        if len(template_segments) == len(segments):  # compare the fixed parts after /api/<version>
            pairs = [
                (s, t)
                for s, t in zip(segments, template_segments, strict=True)
                if "{" not in t and t != "api" and t != endpoint.version
            ]
            ours, theirs = "/".join(s for s, _ in pairs), "/".join(t for _, t in pairs)
        else:
            ours = "/".join(s for s in segments if s != "api" and s != version_of(path))
            theirs = "/".join(t for t in template_segments if t != "api" and t != endpoint.version)
        ratio = difflib.SequenceMatcher(None, ours, theirs).ratio()
        if ratio > best_ratio:
            best, best_ratio = endpoint.template, ratio
    return best


def _json_path(path: JsonPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def body_findings(index: EndpointIndex, endpoint: Endpoint, call: RestCall) -> list[tuple[int, str]]:
    """(Markdown line, message) for each body key that is not a field of the request."""
    fields = index.body_fields(endpoint)
    if fields is None or call.body is None or call.body is UNKNOWN:
        return []
    shown = f"{call.method} {strip_query(call.path)}"
    if not isinstance(call.body, dict):
        return [(call.line, f"{shown}: request body must be a JSON object")]
    out: list[tuple[int, str]] = []

    def walk(value: object, known: dict[str, FieldType], owner: str, path: JsonPath) -> None:
        if not isinstance(value, dict):
            return
        for name, item in value.items():
            here = (*path, name)
            if name not in known:
                close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.7)
                hint = (
                    f"; did you mean {'.'.join([_json_path(path), close[0]]) if path else close[0]}?" if close else ""
                )
                line = call.key_lines.get(here, call.line)
                out.append((line, f"{shown}: body field {_json_path(here)} is not a field of {owner}{hint}"))
                continue
            descend(item, known[name], here)

    def descend(value: object, shape: FieldType, path: JsonPath) -> None:
        if shape.kind != "object" or shape.ref not in index.types:
            return
        nested, owner = index.types[shape.ref], shape.ref.split(".")[-1]
        if shape.container == "list" and isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, nested, owner, (*path, i))
        elif shape.container == "map" and isinstance(value, dict):
            for k, item in value.items():
                walk(item, nested, owner, (*path, k))
        elif not shape.container:
            walk(value, nested, owner, path)

    walk(call.body, fields, f"the {endpoint.caller} request", ())
    return out


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    """Compare every REST call in http, shell and python blocks with the SDK's endpoints."""
    result = OracleResult(NAME)
    index: EndpointIndex | None = None
    for block in blocks:
        if block.language not in LANGUAGES or block.is_skipped or block.is_output:
            continue
        calls = rest_calls(block)
        if not calls:
            continue
        if index is None:
            try:
                index = load_endpoints()
            except RuntimeError as exc:  # databricks-sdk missing from the environment
                result.fail(block, f"REST calls cannot be checked: {exc}", calls[0].line)
                return result
        result.checked.add(key(block))
        for call in calls:
            endpoint, problems = _path_findings(index, call)
            for message in problems:
                result.fail(block, message, call.line)
            if call.body_error is not None:
                line, problem = call.body_error
                result.fail(block, f"{call.method} {strip_query(call.path)}: {problem}", line)
            if endpoint is not None:
                for line, message in body_findings(index, endpoint, call):
                    result.fail(block, message, line)
    return result
