"""The deprecation oracle: an example must not use what its source calls deprecated, unless its block carries
``<!-- verify: legacy="..." -->`` (shown as a "Legacy: ..." note).

Sources: the installed databricks-sdk's docstrings (``scripts.verify.sdk_deprecations``) and the vendored CLI
tree, whose deprecated commands and flags ``cli_tree.check_argv`` marks (the ``cli`` oracle leaves them to this
one). Uses: in Python, imports and ``module.Cls`` of deprecated classes, keywords of SDK dataclass constructors,
and ``w.<service>.<method>(...)`` on a name bound to (or annotated as) ``WorkspaceClient``/``AccountClient``,
also in earlier blocks of the same ``session``: deprecated methods and parameters (by keyword or position);
REST calls (``scripts.verify.rest_calls``) matched to the SDK's endpoints: a deprecated method, deprecated
body keys at any depth; ``databricks`` commands in shell. Findings sit at the offending line and name the
replacement when the source does. Reads of deprecated response fields (``run.state``) are not seen.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

from scripts.docmodel import Block
from scripts.errors import DocError
from scripts.readers import python
from scripts.verify.base import Context, OracleResult, code_line, key
from scripts.verify.cli_calls import invocations
from scripts.verify.cli_tree import check_argv, load_tree
from scripts.verify.rest_calls import UNKNOWN, JsonPath, RestCall, rest_calls
from scripts.verify.sdk_deprecations import CLIENTS, Deprecation, DeprecationIndex, load_deprecations
from scripts.verify.sdk_endpoints import Endpoint, EndpointIndex, FieldType, load_endpoints, strip_query

NAME = "deprecated"
LANGUAGES = frozenset({"python", "http", "shell"})
SERVICE_PREFIX = "databricks.sdk.service."


@dataclass
class _Names:
    """What a block's names stand for, carried from block to block within a ``session``."""

    clients: dict[str, str] = field(default_factory=dict)  # local name -> "WorkspaceClient"
    constructors: dict[str, str] = field(default_factory=dict)  # local name of the client class -> its name
    classes: dict[str, str] = field(default_factory=dict)  # local name -> "serving.EndpointCoreConfigInput"
    modules: dict[str, str] = field(default_factory=dict)  # local name -> "serving"


@dataclass
class _Sources:
    """The indexes, loaded on first use."""

    sdk: DeprecationIndex | None = None
    endpoints: EndpointIndex | None = None

    def deprecations(self) -> DeprecationIndex:
        if self.sdk is None:
            self.sdk = load_deprecations()
        return self.sdk

    def endpoint_index(self) -> EndpointIndex:
        if self.endpoints is None:
            self.endpoints = load_endpoints()
        return self.endpoints


def _sdk(index: DeprecationIndex) -> str:
    return f"databricks-sdk {index.sdk_version}"


def _deprecated(what: str, index: DeprecationIndex, why: Deprecation) -> str:
    return f"{what} is deprecated in {_sdk(index)}: {why.advice()}"


# ---------------------------------------------------------------- python


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return node.id if isinstance(node, ast.Name) else ""


class _PythonCheck:
    def __init__(self, index: DeprecationIndex, names: _Names) -> None:
        self.index = index
        self.names = names
        self.problems: list[tuple[int, str]] = []  # (0-based code line, message)
        self.uses_sdk = False

    def run(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self._import(node)
        self._bind_clients(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Attribute):
                self._class_attribute(node)

    def _fail(self, node: ast.AST, message: str) -> None:
        self.problems.append((getattr(node, "lineno", 1) - 1, message))

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(SERVICE_PREFIX) and alias.asname:
                    self.names.modules[alias.asname] = alias.name.removeprefix(SERVICE_PREFIX)
                self.uses_sdk |= alias.name.startswith("databricks.sdk")
            return
        module = node.module or ""
        if node.level or not module.startswith("databricks.sdk"):
            return
        self.uses_sdk = True
        for alias in node.names:
            local = alias.asname or alias.name
            if module == "databricks.sdk.service":
                self.names.modules[local] = alias.name
            elif module.startswith(SERVICE_PREFIX):
                cls = f"{module.removeprefix(SERVICE_PREFIX)}.{alias.name}"
                self.names.classes[local] = cls
                why = self.index.classes.get(cls)
                if why is not None:
                    self._fail(node, _deprecated(f"class `{cls}`", self.index, why))
            elif alias.name in CLIENTS:
                self.names.constructors[local] = alias.name

    def _client_of(self, node: ast.expr | None) -> str | None:
        """The client class an expression constructs or is annotated with (``WorkspaceClient``), or None."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value if node.value in CLIENTS else None
        if isinstance(node, ast.Call):
            node = node.func
        if isinstance(node, ast.Name):
            return self.names.constructors.get(node.id)
        dotted = _dotted(node) if isinstance(node, ast.Attribute) else ""
        last = dotted.rsplit(".", 1)[-1]
        return last if dotted.startswith("databricks") and last in CLIENTS else None

    def _bind_clients(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                client = self._client_of(node.value)
                for target in node.targets:
                    if client and isinstance(target, ast.Name):
                        self.names.clients[target.id] = client
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                client = self._client_of(node.annotation) or (
                    self._client_of(node.value) if isinstance(node.value, ast.Call) else None)
                if client:
                    self.names.clients[node.target.id] = client
            elif isinstance(node, ast.arg) and node.annotation is not None:
                client = self._client_of(node.annotation)
                if client:
                    self.names.clients[node.arg] = client

    def _class_attribute(self, node: ast.Attribute) -> None:
        """``serving.AutoCaptureConfigInput`` through a module alias (a name imported is reported at its import)."""
        cls = self._class_key(node)
        why = self.index.classes.get(cls or "")
        if cls and why is not None:
            self._fail(node, _deprecated(f"class `{cls}`", self.index, why))

    def _class_key(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.names.classes.get(node.id)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in self.names.modules:
                return f"{self.names.modules[node.value.id]}.{node.attr}"
            dotted = _dotted(node)
            if dotted.startswith(SERVICE_PREFIX):
                return dotted.removeprefix(SERVICE_PREFIX)
        return None

    def _call(self, node: ast.Call) -> None:
        cls = self._class_key(node.func)
        if cls is not None:
            for keyword in node.keywords:
                why = self.index.fields.get(cls, {}).get(keyword.arg or "")
                if why is not None:
                    self._fail(keyword, _deprecated(f"`{keyword.arg}` of `{cls}`", self.index, why))
            return
        if isinstance(node.func, ast.Attribute):
            self._method_call(node, node.func)

    def _method_call(self, node: ast.Call, func: ast.Attribute) -> None:
        chain: list[str] = []
        base: ast.expr = func.value
        while isinstance(base, ast.Attribute):
            chain.insert(0, base.attr)
            base = base.value
        client = self.names.clients.get(base.id) if isinstance(base, ast.Name) else None
        if client is None and isinstance(base, ast.Call):
            client = self._client_of(base)
        if client is None or not chain:
            return
        service = self.index.clients.get(client, {}).get(chain[0])
        for prop in chain[1:]:
            service = self.index.services[service].children.get(prop) if service in self.index.services else None
        found = self.index.method(service, func.attr) if service else None
        if found is None or service is None:
            return
        method, why = found
        shown = f"{CLIENTS[client]}.{'.'.join(chain)}.{func.attr}"
        if why is not None:
            self._fail(node, _deprecated(f"`{shown}`", self.index, why))
        given: list[tuple[str, ast.AST]] = [(keyword.arg, keyword) for keyword in node.keywords if keyword.arg]
        for i, arg in enumerate(node.args):
            if isinstance(arg, ast.Starred) or i >= method.positional:
                break
            given.append((method.params[i], arg))
        for param, where in given:
            param_why = method.param_deprecations.get(param)
            if param_why is not None:
                self._fail(where, _deprecated(f"`{param}` of `{shown}`", self.index, param_why))


def _python_findings(block: Block, sources: _Sources, names: _Names) -> tuple[bool, list[tuple[int, str]]]:
    """(the block uses databricks-sdk, (Markdown line, message) findings)."""
    source = python.read(block.code, block.info)
    try:
        tree = ast.parse(source.code)
    except (SyntaxError, ValueError, RecursionError):
        return False, []  # the Python oracle reports code that does not parse
    if "databricks" not in source.code and not names.clients and not names.classes and not names.modules:
        return False, []
    check = _PythonCheck(sources.deprecations(), names)
    check.run(tree)
    return check.uses_sdk or bool(check.problems), [(code_line(block, line), msg) for line, msg in check.problems]


# ---------------------------------------------------------------- REST


def _json_path(path: JsonPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _rest_findings(call: RestCall, sources: _Sources) -> list[tuple[int, str]]:
    if not strip_query(call.path).startswith("/api/") and not call.path.startswith("/serving-endpoints/"):
        return []
    endpoints = sources.endpoint_index()
    endpoint = endpoints.match(call.method, strip_query(call.path))
    if endpoint is None:
        return []  # the rest oracle reports calls the SDK does not make
    index = sources.deprecations()
    shown = f"{call.method} {strip_query(call.path)}"
    service = f"{endpoint.module}.{endpoint.service}"
    caller = f"{index.display.get(service, endpoint.service)}.{endpoint.operation}"
    out: list[tuple[int, str]] = []
    found = index.method(service, endpoint.operation)
    if found is not None and found[1] is not None:
        out.append((call.line, f"{shown} is `{caller}`, deprecated in {_sdk(index)}: {found[1].advice()}"))
    if isinstance(call.body, dict) and call.body is not UNKNOWN and endpoint.body:
        out.extend(_body_findings(call, endpoint, endpoints, index, caller))
    return out


def _body_findings(call: RestCall, endpoint: Endpoint, endpoints: EndpointIndex, index: DeprecationIndex,
                   caller: str) -> list[tuple[int, str]]:
    shown = f"{call.method} {strip_query(call.path)}"
    out: list[tuple[int, str]] = []

    def report(path: JsonPath, owner: str, why: Deprecation) -> None:
        line = call.key_lines.get(path, call.line)
        out.append((line, f"{shown}: body field `{_json_path(path)}` ({owner}) is deprecated in {_sdk(index)}: "
                          f"{why.advice()}"))

    def walk(value: object, ref: str, path: JsonPath) -> None:
        known = endpoints.types.get(ref)
        if not isinstance(value, dict) or known is None:
            return
        for name, item in value.items():
            here = (*path, name)
            why = _request_field(index, endpoint, ref, name, caller)
            if why is not None:
                report(here, why[0], why[1])
            if name in known:
                descend(item, known[name], here)

    def descend(value: object, shape: FieldType, path: JsonPath) -> None:
        if shape.kind != "object" or shape.ref is None:
            return
        if shape.container == "list" and isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, shape.ref, (*path, i))
        elif shape.container == "map" and isinstance(value, dict):
            for k, item in value.items():
                walk(item, shape.ref, (*path, k))
        elif not shape.container:
            walk(value, shape.ref, path)

    walk(call.body, endpoint.body or "", ())
    return out


def _request_field(index: DeprecationIndex, endpoint: Endpoint, ref: str, key: str,
                   caller: str) -> tuple[str, Deprecation] | None:
    """(how to name the field, why) when body key ``key`` of type ``ref`` is deprecated."""
    if ref.startswith("request:"):  # the method's own parameters
        found = index.method(f"{endpoint.module}.{endpoint.service}", endpoint.operation)
        if found is None:
            return None
        method = found[0]
        param = method.body_params.get(key)
        why = method.param_deprecations.get(param or "")
        return (f"the `{param}` parameter of `{caller}`", why) if param and why is not None else None
    field_why = index.field_deprecation(ref, key)
    if field_why is None:
        return None
    return f"field `{field_why[0]}` of `{ref}`", field_why[1]


# ---------------------------------------------------------------- CLI


def _cli_findings(block: Block) -> tuple[bool, list[tuple[int, str]]]:
    found, errors = invocations(block.code)
    if errors or not found:
        return False, []  # the cli oracle reports what the shell reader cannot read
    tree = load_tree()
    out: list[tuple[int, str]] = []
    for inv in found:
        _, problems = check_argv([w.value for w in inv.args], tree)
        for problem in problems:
            if problem.deprecated:
                line = inv.line if problem.word is None else inv.args[problem.word].line
                out.append((code_line(block, line), problem.message))
    return True, out


# ---------------------------------------------------------------- the oracle


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    """Report every deprecated SDK class, field, method, parameter, REST body field and CLI command or flag
    an example uses, except in blocks marked ``legacy``."""
    result = OracleResult(NAME)
    sources = _Sources()
    sessions: dict[tuple[str, str], _Names] = {}
    for block in blocks:
        if block.language not in LANGUAGES or block.is_skipped or block.is_output:
            continue
        session = block.directive.session if block.directive is not None else None
        names = sessions.setdefault((block.path, session), _Names()) if session else _Names()
        try:
            examined, found = _block_findings(block, sources, names)
        except (RuntimeError, DocError) as exc:  # databricks-sdk missing, or the CLI tree unreadable
            result.fail(block, f"deprecations cannot be checked: {exc}")
            return result
        if block.directive is not None and block.directive.legacy:
            continue  # shows a deprecated API on purpose, with a visible note
        if examined:
            result.checked.add(key(block))
        for line, message in sorted(set(found)):
            result.fail(block, message, line)
    return result


def _block_findings(block: Block, sources: _Sources, names: _Names) -> tuple[bool, list[tuple[int, str]]]:
    examined = False
    found: list[tuple[int, str]] = []
    if block.language == "python":
        examined, found = _python_findings(block, sources, names)
    elif block.language == "shell":
        examined, found = _cli_findings(block)
    calls = rest_calls(block)
    for call in calls:
        found.extend(_rest_findings(call, sources))
    return examined or bool(calls), found
