"""The REST oracle: every REST call a page shows must be one the installed databricks-sdk makes.

Calls are found in

* ``http`` blocks: a request line (``POST /api/2.1/clusters/create``, optionally with a host and
  ``HTTP/1.1``), header lines, a blank line, then a JSON body;
* shell blocks: ``curl`` (method from ``-X``/``--request``, else POST when data is sent, else GET;
  the body from ``-d``/``--data``/``--data-raw``/``--data-binary``/``--json``) and the CLI's
  ``databricks api post /api/... --json '{...}'``; a body read from a file (``@body.json``) cannot
  be checked, so only the method and path are;
* python blocks: ``requests.<method>(url, json={...})``, ``httpx``, ``session.request("POST", url)``
  and ``w.api_client.do("POST", "/api/...", body={...})``, read with ``ast``. URLs may be f-strings
  or names bound to strings earlier in the block; a body is checked when it is a dict literal (or a
  name bound to one), never when it is computed.

Each call is compared with the SDK's endpoint index (``scripts.verify.sdk_endpoints``): an unknown
path, a path the SDK calls with another method, an older (or otherwise different) API version than
the SDK uses, and request-body keys that are not fields of that request (nested objects, lists and
maps included; the finding names the JSON path, e.g. ``new_cluster.num_worker``). Query strings are
ignored; placeholders (``<job-id>``, ``{job_id}``, ``$JOB_ID``, ``123``) match any path parameter.

Paths outside ``/api/`` are checked only where Databricks serves a REST API there:
``/serving-endpoints/{name}/invocations`` is in the SDK (ServingEndpointsAPI.query), and
``/oidc/...`` (``/oidc/v1/token``, ``/oidc/accounts/{account_id}/v1/token``) is the standard OAuth
2.0 token endpoint, which the SDK reaches through its OAuth client rather than ``_api.do``; it is
accepted as is. URLs whose host is a concrete non-Databricks domain are ignored.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from scripts.docmodel import Block
from scripts.verify.base import Context, OracleResult, code_line, key
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
LANGUAGES = frozenset({"http", "shell", "python"})
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
REQUEST_LINE_RE = re.compile(
    r"^\s*(?P<method>GET|POST|PUT|PATCH|DELETE|HEAD)\s+(?P<url>\S+)(?:\s+HTTP/\d(?:\.\d)?)?\s*$"
)
RESPONSE_LINE_RE = re.compile(r"^\s*HTTP/\d(?:\.\d)?\s+\d{3}\b")
HEADER_RE = re.compile(r"^[A-Za-z0-9-]+\s*:")
HOST_RE = re.compile(r"^(?:[A-Za-z][\w+.-]*://)?(?P<host>(?:\$\{[^}]*\}|\{\{[^}]*\}\}|[^/?#])*)")
REST_PREFIXES = ("/api/", "/serving-endpoints/", "/oidc/")
PLACEHOLDER_IN_JSON_RE = re.compile(r"<[^<>\n\"]+>|\{\{[^{}\n]*\}\}|\$\{\w+\}|\$\w+")
# curl options that take a value (short ones are single letters)
CURL_SHORT_WITH_VALUE = frozenset("XdHouFTwmAebcKxErCDQzyY")
CURL_LONG_WITH_VALUE = frozenset(
    """--request --data --data-raw --data-binary --data-ascii --data-urlencode --json --header --output
    --user --form --form-string --upload-file --url --write-out --max-time --connect-timeout --user-agent
    --referer --cookie --cookie-jar --cacert --capath --cert --key --retry --retry-delay --retry-max-time
    --config --proxy --resolve --oauth2-bearer --limit-rate --range --netrc-file --aws-sigv4 --variable
    --dump-header --trace --trace-ascii --stderr --interface --max-filesize --expect100-timeout""".split()
)
CURL_DATA_OPTIONS = frozenset({"--data", "--data-raw", "--data-binary", "--data-ascii", "--json", "-d"})
SHELL_SEPARATORS = frozenset({"|", "||", "&&", ";", "&"})
PYTHON_HTTP_FUNCS = frozenset({"get", "post", "put", "patch", "delete", "head"})
UNKNOWN = object()  # a value the checker cannot know (a variable, a call)

JsonPath = tuple[str | int, ...]


@dataclass
class RestCall:
    """One REST call shown in a block."""

    method: str
    path: str  # host removed, query kept: "/api/2.2/jobs/list?limit=5"
    line: int  # Markdown line of the request line / URL
    body: object = None  # parsed JSON body; None when there is none, UNKNOWN when it cannot be read
    body_error: tuple[int, str] | None = None  # (Markdown line, message) when the body is not valid JSON
    key_lines: dict[JsonPath, int] = field(default_factory=dict)  # Markdown line of each body key
    source: str = ""  # "http", "curl", "databricks api", "python"


# ---------------------------------------------------------------- finding calls


def rest_calls(block: Block) -> list[RestCall]:
    """Every REST call in a block of a supported language (none for other languages)."""
    if block.language == "http":
        return list(_http_calls(block))
    if block.language == "shell":
        return list(_shell_calls(block, block.code.split("\n"), 0))
    if block.language == "python":
        return sorted(_python_calls(block), key=lambda call: call.line)
    return []


def url_path(url: str) -> str | None:
    """The path of a Databricks REST URL (query kept), or None for anything else.

    ``https://$DATABRICKS_HOST/api/2.1/clusters/get`` and ``"${DATABRICKS_HOST}/api/..."`` give
    ``/api/...``; ``https://api.github.com/...`` gives None (a concrete host that is not Databricks).
    """
    url = url.strip().strip("\"'")
    m = HOST_RE.match(url)
    assert m is not None
    host, path = m.group("host"), url[m.end() :]
    if host and not re.search(r"[$<{]|databricks", host, re.I):
        return None
    if not path.startswith(REST_PREFIXES):
        return None
    return path


def _lenient_json(text: str) -> object:
    """json.loads, after turning bare placeholders (``<job-id>``, ``$JOB_ID``) outside strings into 0."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    out: list[str] = []
    i, in_string = 0, False
    while i < len(text):
        ch = text[i]
        if in_string:
            out.append(ch)
            if ch == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
            out.append(ch)
        else:
            m = PLACEHOLDER_IN_JSON_RE.match(text, i)
            if m:
                out.append("0")
                i = m.end()
                continue
            out.append(ch)
        i += 1
    return json.loads("".join(out))  # raises JSONDecodeError with the original positions' lines


def _parse_body(block: Block, text: str, first_code_line: int, call: RestCall) -> None:
    """Parse a JSON body that starts at code line ``first_code_line``; fill body/body_error/key_lines."""
    stripped = text.strip()
    if not stripped:
        return
    if not stripped.startswith(("{", "[")):
        call.body = UNKNOWN  # form data or something else: not JSON, not checked
        return
    try:
        call.body = _lenient_json(stripped)
    except json.JSONDecodeError as exc:
        lead = len(text) - len(text.lstrip())
        offset = text[:lead].count("\n") + exc.lineno - 1
        call.body = UNKNOWN
        call.body_error = (code_line(block, first_code_line + offset), f"request body is not valid JSON: {exc.msg}")
        return
    call.key_lines = _locate_keys(call.body, block.code.split("\n"), first_code_line, block)


def _locate_keys(body: object, lines: list[str], start: int, block: Block) -> dict[JsonPath, int]:
    """The Markdown line of each key, found in document order from code line ``start``."""
    found: dict[JsonPath, int] = {}
    cursor = start

    def visit(value: object, path: JsonPath) -> None:
        nonlocal cursor
        if isinstance(value, dict):
            for k, v in value.items():
                needle = json.dumps(k)
                for i in range(cursor, len(lines)):
                    if needle in lines[i]:
                        cursor = i
                        break
                found[(*path, k)] = code_line(block, cursor)
                visit(v, (*path, k))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                visit(item, (*path, i))

    visit(body, ())
    return found


def _http_calls(block: Block) -> Iterator[RestCall]:
    lines = block.code.split("\n")
    starts = [i for i, line in enumerate(lines) if REQUEST_LINE_RE.match(line)]
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        m = REQUEST_LINE_RE.match(lines[start])
        assert m is not None
        path = url_path(m.group("url"))
        if path is None:
            continue
        call = RestCall(m.group("method"), path, code_line(block, start), source="http")
        i = start + 1
        while i < end and lines[i].strip() and HEADER_RE.match(lines[i]):
            i += 1
        body_lines = list(lines[i:end])
        response = next((n for n, line in enumerate(body_lines) if RESPONSE_LINE_RE.match(line)), None)
        if response is not None:  # the block goes on with the response: not part of the request
            body_lines = body_lines[:response]
        while body_lines and body_lines[-1].strip() in ("", "###"):
            body_lines.pop()
        _parse_body(block, "\n".join(body_lines), i, call)
        yield call


# -- shell


def _logical_commands(lines: list[str], console: bool) -> Iterator[tuple[int, str]]:
    """(first code line, command text) with backslash continuations and multi-line quotes joined."""
    buffer: list[str] = []
    first = 0
    for i, raw in enumerate(lines):
        line = raw
        if not buffer:
            stripped = line.lstrip()
            if console:
                if not stripped.startswith(("$ ", "% ")):
                    continue
                line = stripped[2:]
            first = i
        if line.rstrip().endswith("\\"):
            buffer.append(line.rstrip()[:-1])
            continue
        buffer.append(line)
        text = "\n".join(buffer)
        try:
            shlex.split(text, comments=True)
        except ValueError:
            continue  # a quote (e.g. a JSON body) runs onto the next line
        buffer = []
        yield first, text
    if buffer:
        yield first, "\n".join(buffer)


def _split_commands(tokens: list[str]) -> Iterator[list[str]]:
    current: list[str] = []
    for token in tokens:
        if token in SHELL_SEPARATORS:
            if current:
                yield current
            current = []
        else:
            current.append(token)
    if current:
        yield current


def _line_of(lines: list[str], first: int, needle: str) -> int:
    """The first code line at or after ``first`` that contains ``needle`` (else ``first``)."""
    for i in range(first, len(lines)):
        if needle and needle in lines[i]:
            return i
    return first


def _shell_calls(block: Block, lines: list[str], offset: int) -> Iterator[RestCall]:
    console = block.info.split()[0].lower() == "console" if block.info.split() else False
    for first, text in _logical_commands(lines, console):
        try:
            tokens = shlex.split(text, comments=True)
        except ValueError:
            continue  # an unterminated quote: the shell oracle reports it
        for command in _split_commands(tokens):
            for i, token in enumerate(command):
                word = re.sub(r"^.*[(`]", "", token)  # $(curl, `curl
                if word == "curl":
                    yield from _curl_call(block, lines, first, command[i + 1 :], offset)
                    break
                if word == "databricks" and command[i + 1 : i + 2] == ["api"]:
                    yield from _cli_api_call(block, lines, first, command[i + 2 :], offset)
                    break


def _curl_call(block: Block, lines: list[str], first: int, args: list[str], offset: int) -> Iterator[RestCall]:
    method: str | None = None
    data: list[str] = []
    urls: list[str] = []
    get = head = upload = form = False
    i = 0
    while i < len(args):
        arg = args[i]
        name, value = arg, None
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
            name = name.replace("--expand-", "--")
            if name in CURL_LONG_WITH_VALUE:
                if eq:
                    value = inline
                elif i + 1 < len(args):
                    value, i = args[i + 1], i + 1
        elif arg.startswith("-") and len(arg) > 1:
            for j, letter in enumerate(arg[1:], start=1):
                if letter in CURL_SHORT_WITH_VALUE:
                    name = "-" + letter
                    value = arg[j + 1 :] or (args[i + 1] if i + 1 < len(args) else "")
                    if not arg[j + 1 :]:
                        i += 1
                    break
                get |= letter == "G"
                head |= letter == "I"
            else:
                name = ""
        else:
            urls.append(arg)
        if name in ("-X", "--request") and value:
            method = value.upper()
        elif name in CURL_DATA_OPTIONS or name == "--data-urlencode":
            data.append(value or "")
        elif name in ("-T", "--upload-file"):
            upload = True
        elif name in ("-F", "--form", "--form-string"):
            form = True
        elif name == "--url" and value:
            urls.append(value)
        elif name == "--get":
            get = True
        elif name == "--head":
            head = True
        i += 1
    if method is None:
        method = "HEAD" if head else "GET" if get else "PUT" if upload else "POST" if (data or form) else "GET"
    for url in urls:
        path = url_path(url.rstrip(")`"))
        if path is None:
            continue
        at = _line_of(lines, first, strip_query(path))
        call = RestCall(method, path, code_line(block, at + offset), source="curl")
        if len(data) == 1 and not get:
            if data[0].startswith("@"):
                call.body = UNKNOWN
            else:
                body_at = _line_of(lines, first, data[0].strip().split("\n", 1)[0])
                _parse_body(block, data[0], body_at + offset, call)
        elif data:
            call.body = UNKNOWN
        yield call


def _cli_api_call(block: Block, lines: list[str], first: int, args: list[str], offset: int) -> Iterator[RestCall]:
    """``databricks api post /api/2.2/jobs/run-now --json '{...}'``."""
    if not args or args[0].upper() not in HTTP_METHODS:
        return
    method = args[0].upper()
    path = next((a for a in args[1:] if not a.startswith("-")), None)
    if path is None or url_path(path) is None:
        return
    body: str | None = None
    for i, arg in enumerate(args):
        if arg == "--json" and i + 1 < len(args):
            body = args[i + 1]
        elif arg.startswith("--json="):
            body = arg.partition("=")[2]
    at = _line_of(lines, first, strip_query(path))
    call = RestCall(method, path, code_line(block, at + offset), source="databricks api")
    if body is not None:
        if body.startswith("@"):
            call.body = UNKNOWN
        else:
            _parse_body(block, body, _line_of(lines, first, body.strip().split("\n", 1)[0]) + offset, call)
    yield call


# -- python


def _python_source(code: str) -> tuple[str, list[int]]:
    """Code ast can parse, same line numbers: notebook magics blanked, ``>>>`` prompts removed.

    Also returns the code lines that were ``!shell`` commands (a ``!curl`` is a REST call too).
    """
    lines = code.split("\n")
    prompts = any(line.startswith(">>> ") for line in lines)
    out: list[str] = []
    bang: list[int] = []
    for i, line in enumerate(lines):
        if prompts:
            line = line[4:] if line.startswith((">>> ", "... ")) else ""
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            if stripped.startswith("!"):
                bang.append(i)
            line = ""
        out.append(line)
    return "\n".join(out), bang


class _Assignments:
    """Names bound to literals earlier in a block (``URL = f"{host}/api/2.1"``, ``payload = {...}``)."""

    def __init__(self, tree: ast.AST) -> None:
        self.bound: dict[str, list[tuple[int, ast.expr]]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.bound.setdefault(node.targets[0].id, []).append((node.lineno, node.value))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                self.bound.setdefault(node.target.id, []).append((node.lineno, node.value))

    def value(self, name: str, before: int) -> ast.expr | None:
        earlier = [(line, v) for line, v in self.bound.get(name, []) if line < before]
        return max(earlier, key=lambda item: item[0])[1] if earlier else None


def _string_value(node: ast.expr | None, env: _Assignments, line: int, depth: int = 0) -> str | None:
    """The text of a URL expression; unknown parts become ``{x}``. None when nothing is known."""
    if node is None or depth > 6:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts: list[str] = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
            else:
                assert isinstance(part, ast.FormattedValue)
                inner = _string_value(part.value, env, line, depth + 1) if isinstance(part.value, ast.Name) else None
                parts.append(inner if inner is not None else "{x}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _string_value(node.left, env, line, depth + 1)
        right = _string_value(node.right, env, line, depth + 1)
        if left is None and right is None:
            return None
        return (left if left is not None else "{x}") + (right if right is not None else "{x}")
    if isinstance(node, ast.Name):
        bound = env.value(node.id, line)
        return _string_value(bound, env, line, depth + 1) if bound is not None else None
    return None


def _literal(node: ast.expr, env: _Assignments, line: int, path: JsonPath, lines: dict[JsonPath, int], block: Block, depth: int = 0) -> object:
    """A JSON-like value from a literal expression; UNKNOWN for anything computed."""
    if depth > 20:
        return UNKNOWN
    if isinstance(node, ast.Dict):
        out: dict[str, object] = {}
        for k, v in zip(node.keys, node.values):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                lines[(*path, k.value)] = code_line(block, k.lineno - 1)
                out[k.value] = _literal(v, env, line, (*path, k.value), lines, block, depth + 1)
        return out
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(v, env, line, (*path, i), lines, block, depth + 1) for i, v in enumerate(node.elts)]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and depth == 0:
        bound = env.value(node.id, line)
        if isinstance(bound, (ast.Dict, ast.List)):
            return _literal(bound, env, line, path, lines, block, depth + 1)
    if isinstance(node, ast.Call) and _call_name(node.func) in ("json.dumps", "dumps") and node.args:
        return _literal(node.args[0], env, line, path, lines, block, depth)
    return UNKNOWN


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        inner = _call_name(func.value)
        return f"{inner}.{func.attr}" if inner else func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _python_calls(block: Block) -> Iterator[RestCall]:
    source, bang = _python_source(block.code)
    code_lines = block.code.split("\n")
    for i in bang:
        command = code_lines[i].lstrip()[1:]
        yield from _shell_calls(block, [command], i)
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return  # the Python oracle reports code that does not parse
    env = _Assignments(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr = node.func.attr
        args = list(node.args)
        if attr in PYTHON_HTTP_FUNCS:
            method, url, body = attr.upper(), args[0] if args else _keyword(node, "url"), _keyword(node, "json")
            if body is None:
                body = _keyword(node, "data")
        elif attr in ("request", "do"):
            verb = args[0] if args else _keyword(node, "method")
            if not (isinstance(verb, ast.Constant) and str(verb.value).upper() in HTTP_METHODS):
                continue
            method = str(verb.value).upper()
            url = args[1] if len(args) > 1 else _keyword(node, "url") or _keyword(node, "path")
            body = _keyword(node, "json") or _keyword(node, "body") or _keyword(node, "data")
        else:
            continue
        text = _string_value(url, env, node.lineno)
        path = url_path(text) if text is not None else None
        if path is None:
            continue
        line_no = url.lineno if url is not None else node.lineno
        call = RestCall(method, path, code_line(block, line_no - 1), source="python")
        if body is not None:
            call.body = _literal(body, env, node.lineno, (), call.key_lines, block)
        yield call


def endpoints_in(block: Block) -> list[tuple[str, str]]:
    """(METHOD, template) of every REST call in a block, for "distinct endpoints documented".

    A call the SDK knows is named by the SDK's template (``/api/2.1/clusters/get``); any other
    call by its own path without the query string. Skipped and output blocks document nothing.
    """
    if block.is_skipped or block.is_output:
        return []
    index = load_endpoints()
    out: list[tuple[str, str]] = []
    for call in rest_calls(block):
        endpoint = index.match(call.method, call.path)
        out.append((call.method, endpoint.template if endpoint else strip_query(call.path)))
    return out


# ---------------------------------------------------------------- checking calls


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
        relation = "an older version" if _version_key(call_version) < _version_key(used) else "not a version the SDK calls"
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
            pairs = [(s, t) for s, t in zip(segments, template_segments) if "{" not in t and t != "api" and t != endpoint.version]
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
                hint = f"; did you mean {'.'.join([_json_path(path), close[0]]) if path else close[0]}?" if close else ""
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
