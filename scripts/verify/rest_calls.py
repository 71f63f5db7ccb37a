"""The REST calls a block shows: method, path, query and JSON body, each at its Markdown line.

Calls are found in

* ``http`` blocks: a request line (``POST /api/2.1/clusters/create``, optionally with a host and
  ``HTTP/1.1``), header lines, a blank line, then a JSON body (a response after it is not the body);
* shell blocks, read by ``scripts.readers.shell`` (console prompts, continuations, comments and
  here-documents as bash reads them): ``curl`` as a command's program (method from ``-X``/``--request``,
  else HEAD for ``-I``, GET for ``-G``, PUT for ``-T``, POST when data or a form is sent, else GET; the
  body from ``-d``/``--data``/``--data-raw``/``--data-binary``/``--json``) and the CLI's
  ``databricks api post /api/... --json '{...}'``; a body read from a file (``@body.json``) is unknown.
  Nothing is read from the line where the shell reader finds an unterminated quote on;
* python blocks, read by ``scripts.readers.python`` (prompts and magics; its ``!curl`` lines are read as
  shell): ``requests.<method>(url, json={...})``, ``httpx``, ``session.request("POST", url)`` and
  ``w.api_client.do("POST", "/api/...", body={...})``, read with ``ast``. URLs may be f-strings or names
  bound to strings earlier in the block; a body is known when it is a dict literal (or a name bound to
  one), never when it is computed.

Only Databricks REST URLs count (``url_path``): a path under ``/api/``, ``/serving-endpoints/`` or
``/oidc/`` on a host that is a placeholder, a variable or a Databricks domain. Comparing the calls with
the SDK is ``scripts.verify.rest_check``'s job: this module imports neither the SDK nor its index.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from scripts.docmodel import Block
from scripts.readers import python, shell
from scripts.readers.shell import Word
from scripts.verify.base import code_line
from scripts.verify.cli_calls import is_databricks

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



def rest_calls(block: Block) -> list[RestCall]:
    """Every REST call in a block of a supported language (none for other languages)."""
    if block.language == "http":
        return list(_http_calls(block))
    if block.language == "shell":
        return sorted(_shell_calls(block, block.code, 0), key=lambda call: call.line)
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
    if m is None:
        raise RuntimeError(f"HOST_RE, whose parts are all optional, did not match {url!r}")
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
        if m is None:
            raise RuntimeError(f"request line {start} was chosen by REQUEST_LINE_RE but does not match it")
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


def _shell_calls(block: Block, code: str, offset: int) -> Iterator[RestCall]:
    """The calls in shell ``code`` whose first line is code line ``offset`` of the block."""
    reading = shell.read(code)
    broken = min((error.line for error in reading.errors), default=None)
    for command in reading.commands:
        words = command.words
        if broken is not None and words[-1].line >= broken:
            continue  # an unterminated quote runs to the end: the shell oracle reports it
        i = shell.command_word(words)
        if i is None:
            continue
        program = words[i].value
        if program == "curl" or program.endswith("/curl"):
            yield from _curl_call(block, words[i + 1 :], offset)
        elif is_databricks(program) and [w.value for w in words[i + 1 : i + 2]] == ["api"]:
            yield from _cli_api_call(block, words[i + 2 :], offset)


def _option_value(args: list[Word], i: int, inline: str | None) -> tuple[Word | None, int]:
    """The value of the option at ``args[i]``: ``inline`` text of the same word, else the next word."""
    if inline is not None:
        return Word(inline, args[i].line), i
    if i + 1 < len(args):
        return args[i + 1], i + 1
    return None, i


def _curl_call(block: Block, args: list[Word], offset: int) -> Iterator[RestCall]:
    method: str | None = None
    data: list[Word] = []
    urls: list[Word] = []
    get = head = upload = form = False
    i = 0
    while i < len(args):
        arg = args[i].value
        name, value = arg, None
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
            name = name.replace("--expand-", "--")
            if name in CURL_LONG_WITH_VALUE:
                value, i = _option_value(args, i, inline if eq else None)
        elif arg.startswith("-") and len(arg) > 1:
            for j, letter in enumerate(arg[1:], start=1):
                if letter in CURL_SHORT_WITH_VALUE:
                    name = "-" + letter
                    value, i = _option_value(args, i, arg[j + 1 :] or None)
                    break
                get |= letter == "G"
                head |= letter == "I"
            else:
                name = ""
        else:
            urls.append(args[i])
        if name in ("-X", "--request") and value is not None and value.value:
            method = value.value.upper()
        elif name in CURL_DATA_OPTIONS or name == "--data-urlencode":
            data.append(value or Word("", args[i].line))
        elif name in ("-T", "--upload-file"):
            upload = True
        elif name in ("-F", "--form", "--form-string"):
            form = True
        elif name == "--url" and value is not None and value.value:
            urls.append(value)
        elif name == "--get":
            get = True
        elif name == "--head":
            head = True
        i += 1
    if method is None:
        method = "HEAD" if head else "GET" if get else "PUT" if upload else "POST" if (data or form) else "GET"
    for url in urls:
        path = url_path(url.value)
        if path is None:
            continue
        call = RestCall(method, path, code_line(block, url.line + offset), source="curl")
        if len(data) == 1 and not get:
            _read_body(block, data[0], offset, call)
        elif data:
            call.body = UNKNOWN
        yield call


def _cli_api_call(block: Block, args: list[Word], offset: int) -> Iterator[RestCall]:
    """``databricks api post /api/2.2/jobs/run-now --json '{...}'``."""
    if not args or args[0].value.upper() not in HTTP_METHODS:
        return
    method = args[0].value.upper()
    path_word = next((a for a in args[1:] if not a.value.startswith("-")), None)
    path = url_path(path_word.value) if path_word is not None else None
    if path_word is None or path is None:
        return
    body: Word | None = None
    for i, arg in enumerate(args):
        if arg.value == "--json" and i + 1 < len(args):
            body = args[i + 1]
        elif arg.value.startswith("--json="):
            body = Word(arg.value.partition("=")[2], arg.line)
    call = RestCall(method, path, code_line(block, path_word.line + offset), source="databricks api")
    if body is not None:
        _read_body(block, body, offset, call)
    yield call


def _read_body(block: Block, body: Word, offset: int, call: RestCall) -> None:
    """A body given on the command line; ``@file`` (or ``@-``) is read from elsewhere: unknown."""
    if body.value.startswith("@"):
        call.body = UNKNOWN
    else:
        _parse_body(block, body.value, body.line + offset, call)


# -- python


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
                if not isinstance(part, ast.FormattedValue):
                    raise TypeError(f"unexpected f-string part {type(part).__name__}")
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


def _literal(
    node: ast.expr,
    env: _Assignments,
    line: int,
    path: JsonPath,
    lines: dict[JsonPath, int],
    block: Block,
    depth: int = 0,
) -> object:
    """A JSON-like value from a literal expression; UNKNOWN for anything computed."""
    if depth > 20:
        return UNKNOWN
    if isinstance(node, ast.Dict):
        out: dict[str, object] = {}
        for k, v in zip(node.keys, node.values, strict=True):
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
    source = python.read(block.code, block.info)
    for line, command in source.shell:
        yield from _shell_calls(block, command, line)
    try:
        tree = ast.parse(source.code)
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
