"""Every REST endpoint the installed databricks-sdk calls, read from its source with ``ast``.

The SDK's generated services (``databricks/sdk/service/*.py``) and hand-written mixins
(``databricks/sdk/mixins/*.py``) reach the REST API through ``self._api.do("METHOD", "/api/...")``.
This module finds each of those calls and records the method, the path template (f-string
parts become ``{param}`` placeholders), the API version segment, the calling service class and
method, and, for calls that send a JSON body, the fields of that body: the keys the method writes
into ``body[...]`` and, for values typed as SDK dataclasses, the dataclass fields read from
``as_dict`` (nested types are kept by name in ``EndpointIndex.types``, so every level is known,
recursive types included).

Nothing is imported from the SDK: its files are parsed, so the index is exactly what the installed
version sends. ``load_endpoints()`` caches the index in-process and in
the ``sdk-endpoints`` cache of scripts/cache.py, keyed by the SDK version and this module's code.

Placeholders normally stand for one path segment. Some span several, as the SDK sends them:
parameters passed through ``_escape_multi_segment_path_parameter`` (the Files API's
``/api/2.0/fs/files{file_path}``, stored as ``/api/2.0/fs/files/{file_path}``) and resource names
(``{name}``, ``{parent}``). Where the method's docstring gives a resource name's format
(``Format: projects/{project_id}/branches/{branch_id}``) the format is spliced into the template,
so ``/api/2.0/postgres/{name}`` becomes ``/api/2.0/postgres/projects/{project_id}/branches/{branch_id}``;
an undocumented one stays a multi-segment ``{name}``. A template with a placeholder right after the
version (``/api/2.0/{name}``) would match every path of that version: it is counted but never
matched (``Endpoint.opaque``).

Matching prefers the template with the most fixed segments, so ``/api/2.0/permissions/jobs/1``
reaches ``/api/2.0/permissions/jobs/{job_id}`` rather than the generic permissions template.
``EndpointIndex.other_methods`` and ``other_versions`` say whether a path the SDK does not call
with that method and version exists with another method or under another version.
(``endpoints_in(block)``, which needs the call finder, lives in ``scripts.stats``.)
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from scripts.cache import Cache, files_digest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"})
MULTI_SEGMENT_NAMES = frozenset({"name", "parent"})
SCALAR_NAMES = frozenset({"str", "int", "float", "bool", "bytes", "Timestamp", "Duration", "FieldMask"})
FREE_NAMES = frozenset({"Any", "dict", "Dict", "object", "Struct", "Value", "JsonValue"})
VERSION_RE = re.compile(r"^(?:\d+\.\d+|v\d+(?:(?:alpha|beta)\d*)?)$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]+)\}")
DOC_FORMAT_RE = re.compile(
    r"(?:[Ff]ormat:|in the form|of the form|[Rr]esource name:)\s*"
    r"(?:``(?P<quoted>[^`]+)``|(?P<bare>[\w\-{}<>.*]+/[\w\-{}/<>.*]+))"
)


@dataclass(frozen=True)
class FieldType:
    """The JSON shape of one body field.

    ``kind`` is ``scalar`` (string, number, boolean, enum), ``object`` (an SDK dataclass named by
    ``ref``) or ``any`` (free-form JSON the SDK does not describe). ``container`` is ``""``, ``list``
    or ``map`` (a JSON object with arbitrary keys whose values have this shape).
    """

    kind: str
    ref: str | None = None
    container: str = ""


@dataclass(frozen=True)
class Endpoint:
    """One ``self._api.do(...)`` call of the SDK."""

    method: str
    template: str  # "/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}"
    version: str | None  # "2.1", "v1" or None (e.g. /serving-endpoints/{name}/invocations)
    service: str  # "GrantsAPI"
    operation: str  # "update"
    module: str  # "catalog" (service/catalog.py) or "mixins.files"
    body: str | None = None  # key into EndpointIndex.types, or None when no JSON body is sent
    multi: tuple[str, ...] = ()  # placeholders that may span several path segments
    opaque: bool = False  # a bare /api/<version>/{name}: counted, never matched

    @property
    def caller(self) -> str:
        return f"{self.service}.{self.operation}"

    @property
    def unversioned(self) -> str:
        return unversioned(self.template)


@dataclass
class EndpointIndex:
    """All endpoints of one SDK version, plus the body types they reference."""

    sdk_version: str
    endpoints: list[Endpoint]
    types: dict[str, dict[str, FieldType]]
    _compiled: list[tuple[re.Pattern[str], int, Endpoint]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._compiled = [(template_regex(e), literal_segments(e.template), e) for e in self.endpoints if not e.opaque]

    def __len__(self) -> int:
        return len(self.endpoints)

    def keys(self) -> set[tuple[str, str]]:
        return {(e.method, e.template) for e in self.endpoints}

    def candidates(self, path: str) -> list[Endpoint]:
        """Endpoints of any method whose template matches ``path`` most specifically."""
        path = strip_query(path)
        best: list[Endpoint] = []
        best_score = -1
        for regex, score, endpoint in self._compiled:
            if score < best_score or not regex.fullmatch(path):
                continue
            if score > best_score:
                best, best_score = [], score
            best.append(endpoint)
        return best

    def match(self, method: str, path: str) -> Endpoint | None:
        """The endpoint ``method path`` calls, or None when the SDK calls no such endpoint."""
        method = method.upper()
        return next((e for e in self.candidates(path) if e.method == method), None)

    def other_methods(self, method: str, path: str) -> list[str]:
        """Methods the SDK uses on this same path when ``method`` is not one of them (else [])."""
        methods = sorted({e.method for e in self.candidates(path)})
        return [] if method.upper() in methods else methods

    def other_versions(self, method: str, path: str) -> list[Endpoint]:
        """Endpoints on this path under another API version (preferring the same method)."""
        version = version_of(strip_query(path))
        if version is None:
            return []
        found: list[Endpoint] = []
        for other in sorted({e.version for e in self.endpoints if e.version and e.version != version}):
            swapped = replace_version(strip_query(path), version, other)
            found.extend(self.candidates(swapped))
        same_method = [e for e in found if e.method == method.upper()]
        return same_method or found

    def body_fields(self, endpoint: Endpoint) -> dict[str, FieldType] | None:
        return self.types.get(endpoint.body) if endpoint.body else None


# ---------------------------------------------------------------- path helpers


def strip_query(path: str) -> str:
    return path.split("?", 1)[0].split("#", 1)[0]


def path_segments(path: str) -> list[str]:
    return [s for s in strip_query(path).split("/") if s]


def version_of(path: str) -> str | None:
    """The API version segment: ``2.1`` in /api/2.1/..., ``v1`` in /api/networking/v1/..."""
    segments = path_segments(path)
    if not segments or segments[0] != "api":
        return None
    return next((s for s in segments[1:4] if VERSION_RE.match(s)), None)


def replace_version(path: str, old: str, new: str) -> str:
    segments = path.split("/")
    for i, seg in enumerate(segments[:5]):
        if seg == old:
            segments[i] = new
            break
    return "/".join(segments)


def unversioned(template: str) -> str:
    version = version_of(template)
    return replace_version(template, version, "*") if version else template


def literal_segments(template: str) -> int:
    return sum(1 for s in path_segments(template) if "{" not in s)


def template_regex(endpoint: Endpoint) -> re.Pattern[str]:
    """A regex matching concrete paths of a template; doc placeholders (<id>, $ID, {id}) included."""
    out: list[str] = []
    pos = 0
    for m in PLACEHOLDER_RE.finditer(endpoint.template):
        out.append(re.escape(endpoint.template[pos : m.start()]))
        out.append(".+" if m.group(1) in endpoint.multi else "[^/]+")
        pos = m.end()
    out.append(re.escape(endpoint.template[pos:]))
    return re.compile("".join(out) + "/?")


# ---------------------------------------------------------------- reading the SDK


def sdk_location() -> tuple[Path, str]:
    """The installed databricks-sdk package folder and its version."""
    spec = importlib.util.find_spec("databricks.sdk")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("databricks-sdk is not installed in this environment")
    return Path(next(iter(spec.submodule_search_locations))), importlib.metadata.version("databricks-sdk")


class _Module:
    """One parsed SDK file: its dataclasses, enums and imported module aliases."""

    def __init__(self, name: str, tree: ast.Module) -> None:
        self.name = name
        self.tree = tree
        self.dataclasses: dict[str, ast.ClassDef] = {}
        self.enums: set[str] = set()
        self.aliases: dict[str, str] = {}  # local name -> SDK module ("compute")
        self.imported: dict[str, tuple[str, str]] = {}  # local class name -> (module, class)
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                if any(_decorator_name(d) == "dataclass" for d in node.decorator_list):
                    self.dataclasses[node.name] = node
                elif any(_base_name(b) == "Enum" for b in node.bases):
                    self.enums.add(node.name)
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if node.module == "databricks.sdk.service" or node.module.endswith("sdk.service"):
                        self.aliases[local] = alias.name
                    elif node.module.startswith("databricks.sdk.service.") or (
                        node.level and node.module.startswith("service.")
                    ):
                        self.imported[local] = (node.module.rsplit(".", 1)[-1], alias.name)
                    elif node.level == 2 and node.module == "service":
                        self.aliases[local] = alias.name


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _base_name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


class _Extractor:
    """Turns parsed SDK modules into endpoints and body types."""

    def __init__(self, modules: dict[str, _Module]) -> None:
        self.modules = modules
        self.types: dict[str, dict[str, FieldType]] = {}
        self.endpoints: list[Endpoint] = []

    # -- types

    def resolve(self, module: _Module, node: ast.expr | None) -> FieldType:
        """The JSON shape of an annotation such as ``Optional[List[compute.Library]]``."""
        if node is None:
            return FieldType("any")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                return self.resolve(module, ast.parse(node.value, mode="eval").body)
            except SyntaxError:
                return FieldType("any")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | None
            left = self.resolve(module, node.left)
            return left if not (isinstance(node.left, ast.Constant) and node.left.value is None) else self.resolve(
                module, node.right
            )
        if isinstance(node, ast.Subscript):
            outer = _base_name(node.value)
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if outer == "Optional":
                return self.resolve(module, args[0])
            if outer in ("List", "list", "Iterator", "Sequence"):
                inner = self.resolve(module, args[0])
                return FieldType(inner.kind, inner.ref, "list") if not inner.container else FieldType("any")
            if outer in ("Dict", "dict", "Mapping") and len(args) == 2:
                inner = self.resolve(module, args[1])
                return FieldType(inner.kind, inner.ref, "map") if not inner.container else FieldType("any")
            return FieldType("any")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = self.modules.get(module.aliases.get(node.value.id, node.value.id))
            return self._class_type(target, node.attr) if target else FieldType("any")
        if isinstance(node, ast.Name):
            if node.id in SCALAR_NAMES:
                return FieldType("scalar")
            if node.id in FREE_NAMES:
                return FieldType("any")
            if node.id in module.dataclasses or node.id in module.enums:
                return self._class_type(module, node.id)
            if node.id in module.imported:
                mod_name, cls = module.imported[node.id]
                target = self.modules.get(mod_name)
                return self._class_type(target, cls) if target else FieldType("any")
        return FieldType("any")

    def _class_type(self, module: _Module, name: str) -> FieldType:
        if name in module.enums:
            return FieldType("scalar")
        if name not in module.dataclasses:
            return FieldType("any")
        ref = f"{module.name}.{name}"
        if ref not in self.types:
            self.types[ref] = {}  # placeholder first: recursive types refer to themselves
            self.types[ref] = self._dataclass_fields(module, module.dataclasses[name])
        return FieldType("object", ref)

    def _dataclass_fields(self, module: _Module, cls: ast.ClassDef) -> dict[str, FieldType]:
        annotations = {
            n.target.id: n.annotation
            for n in cls.body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
        }
        as_dict = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "as_dict"), None)
        keys = body_writes(as_dict, "body", self_attr=True) if as_dict else {}
        if not keys:  # no as_dict: the JSON keys are the field names
            keys = {name: name for name in annotations}
        return {key: self.resolve(module, annotations.get(attr)) for key, attr in keys.items()}

    # -- endpoints

    def collect(self) -> None:
        for module in self.modules.values():
            for cls in module.tree.body:
                if (
                    isinstance(cls, ast.ClassDef)
                    and cls.name not in module.dataclasses
                    and cls.name not in module.enums
                ):
                    for fn in cls.body:
                        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            self._collect_function(module, cls.name, fn)

    def _collect_function(self, module: _Module, service: str, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for call in ast.walk(fn):
            if not (isinstance(call, ast.Call) and _is_api_do(call.func)):
                continue
            if not call.args or not isinstance(call.args[0], ast.Constant):
                continue
            method = str(call.args[0].value).upper()
            url = call.args[1] if len(call.args) > 1 else _keyword(call, "url") or _keyword(call, "path")
            parsed = _template(url)
            if method not in HTTP_METHODS or parsed is None:
                continue
            template, multi = parsed
            multi = {p for p in multi if p not in MULTI_SEGMENT_NAMES or _is_resource_name(fn, p)}
            template, multi = _expand_resource_names(fn, template, multi)
            opaque = _is_bare_resource(template)
            body = self._body_type(module, service, fn, _keyword(call, "body"))
            self.endpoints.append(
                Endpoint(
                    method=method,
                    template=template,
                    version=version_of(template),
                    service=service,
                    operation=fn.name,
                    module=module.name,
                    body=body,
                    multi=tuple(sorted(multi)),
                    opaque=opaque,
                )
            )

    def _body_type(
        self, module: _Module, service: str, fn: ast.FunctionDef | ast.AsyncFunctionDef, body: ast.expr | None
    ) -> str | None:
        if body is None or (isinstance(body, ast.Constant) and body.value is None):
            return None
        params = {a.arg: a.annotation for a in [*fn.args.args, *fn.args.kwonlyargs]}
        key = f"request:{module.name}.{service}.{fn.name}"
        if isinstance(body, ast.Dict):
            self.types[key] = self._dict_fields(module, params, body)
            return key
        receiver = _as_dict_receiver(body)
        if receiver is not None:  # body=request.as_dict()
            shape = self.resolve(module, params.get(receiver))
            return shape.ref if shape.kind == "object" and not shape.container else None
        if not isinstance(body, ast.Name):
            return None
        name = body.id
        assigned = any(
            isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            for node in ast.walk(fn)
        )
        if name in params and not assigned:  # body=<a parameter>, sent as given
            shape = self.resolve(module, params.get(name))
            # a dataclass parameter has known fields; a free-form dict (e.g. workspace-conf's
            # ``contents: Dict[str, str]``) takes any key, so its body is not checked
            return shape.ref if shape.kind == "object" and not shape.container else None
        fields: dict[str, FieldType] = {}
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                value = node.value
                receiver = _as_dict_receiver(value)
                if receiver is not None:  # body = setting.as_dict()
                    shape = self.resolve(module, params.get(receiver))
                    return shape.ref if shape.kind == "object" and not shape.container else None
                if isinstance(value, ast.Dict):
                    fields.update(self._dict_fields(module, params, value))
        for json_key, source in body_writes(fn, name, self_attr=False).items():
            fields[json_key] = self.resolve(module, params.get(source)) if source in params else FieldType("any")
        self.types[key] = fields
        return key

    def _dict_fields(self, module: _Module, params: dict[str, ast.expr | None], node: ast.Dict) -> dict[str, FieldType]:
        out: dict[str, FieldType] = {}
        for k, v in zip(node.keys, node.values, strict=True):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                source = _first_name(v, set(params))
                out[k.value] = self.resolve(module, params.get(source)) if source else FieldType("any")
        return out


def _is_api_do(func: ast.expr) -> bool:
    """``self._api.do`` or ``self._client._api.do``."""
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "do"
        and isinstance(func.value, ast.Attribute)
        and func.value.attr == "_api"
    )


def _as_dict_receiver(node: ast.expr) -> str | None:
    """``x`` for ``x.as_dict()``, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "as_dict"
        and isinstance(node.func.value, ast.Name)
    ):
        return node.func.value.id
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _first_name(node: ast.expr, wanted: set[str]) -> str | None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in wanted:
            return sub.id
    return None


def body_writes(fn: ast.AST, var: str, *, self_attr: bool) -> dict[str, str]:
    """``var["key"] = <expr>`` assignments in fn: JSON key -> the attribute or parameter it comes from."""
    out: dict[str, str] = {}
    for node in ast.walk(fn):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == var
                and isinstance(target.slice, ast.Constant)
                and isinstance(target.slice.value, str)
            ):
                json_key = target.slice.value
                out[json_key] = _source_of(node.value, self_attr) or json_key
    return out


def _source_of(value: ast.expr, self_attr: bool) -> str | None:
    for sub in ast.walk(value):
        if self_attr and isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "self":
            return sub.attr
        if not self_attr and isinstance(sub, ast.Name) and sub.id not in ("v", "k", "self"):
            return sub.id
    return None


def _template(node: ast.expr | None) -> tuple[str, set[str]] | None:
    """``"/api/2.0/x"`` or ``f"/api/2.0/x/{id}"`` -> (template, multi-segment placeholders)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        return (text, set()) if text.startswith("/") else None
    if not isinstance(node, ast.JoinedStr):
        return None
    parts: list[str] = []
    multi: set[str] = set()
    for i, part in enumerate(node.values):
        if isinstance(part, ast.Constant):
            parts.append(str(part.value))
            continue
        if not isinstance(part, ast.FormattedValue):
            raise TypeError(f"unexpected f-string part {type(part).__name__}")
        expr = part.value
        if i == 0 and isinstance(expr, ast.Attribute) and expr.attr in ("_hostname", "host", "_host"):
            continue  # f"{self._hostname}/api/..."
        spans = False
        if isinstance(expr, ast.Call) and _base_name(expr.func) == "_escape_multi_segment_path_parameter" and expr.args:
            expr, spans = expr.args[0], True
        while isinstance(expr, ast.Attribute) and expr.attr == "value":  # {asset_type.value}
            expr = expr.value
        if isinstance(expr, ast.Attribute):
            name = expr.attr.lstrip("_")
        elif isinstance(expr, ast.Name):
            name = expr.id
        else:
            return None
        if spans and parts and not "".join(parts).endswith("/"):
            parts.append("/")  # the escaped value starts with "/": keep segments visible
        parts.append("{" + name + "}")
        if spans or name in MULTI_SEGMENT_NAMES:
            multi.add(name)
    text = "".join(parts)
    return (text, multi) if text.startswith("/") else None


def _is_bare_resource(template: str) -> bool:
    """``/api/2.1/{name}``, ``/api/2.0/{name}/start``: a placeholder right after the version.

    Such a template would match paths of every API of that version, so it is never matched.
    """
    segments = path_segments(template)
    version = version_of(template)
    if version is None:
        return False
    rest = segments[segments.index(version) + 1 :]
    return bool(rest) and rest[0].startswith("{")


def _param_doc(fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> str:
    """The docstring text describing ``:param <param>:``."""
    doc = ast.get_docstring(fn) or ""
    section = re.search(rf":param {re.escape(param)}:(.*?)(?=:param |:returns|\Z)", doc, re.S)
    if not section:
        return ""
    text = section.group(1)  # " str (optional)\n  The description..."
    return text.split("\n", 1)[1] if "\n" in text else ""


def _is_resource_name(fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> bool:
    """A ``name``/``parent`` that holds a slash-separated resource path (``projects/p/branches/b``).

    Undocumented ones count as resource paths: guessing "one segment" would reject real calls.
    """
    text = _param_doc(fn, param)
    return not text.strip() or "/" in text or "resource" in text.lower()


def _documented_form(fn: ast.FunctionDef | ast.AsyncFunctionDef, param: str) -> str | None:
    """The resource-name format a docstring gives (``projects/{project_id}/branches/{branch_id}``)."""
    found = DOC_FORMAT_RE.search(" ".join(_param_doc(fn, param).split()))
    if not found:
        return None
    form = re.sub(r"\s+", "", found.group("quoted") or found.group("bare")).strip("`.,;")
    form = re.sub(r"<([^<>]+)>", r"{\1}", form).replace("*", "{id}")
    segments = form.split("/")
    if len(segments) < 2 or not all(segments) or "{" not in form or " " in form:
        return None
    return form


def _expand_resource_names(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, template: str, multi: set[str]
) -> tuple[str, set[str]]:
    """Splice each documented resource-name format into the template, in place of ``{name}``.

    ``/api/2.0/postgres/{name}`` + "Format: projects/{project_id}/branches/{branch_id}" gives
    ``/api/2.0/postgres/projects/{project_id}/branches/{branch_id}``: segments that must match.
    """
    for param in sorted(multi & MULTI_SEGMENT_NAMES):
        form = _documented_form(fn, param)
        if form is None:
            continue
        template = template.replace("{" + param + "}", form, 1)
        multi = multi - {param}
    return template, multi


def _parse_modules(root: Path) -> dict[str, _Module]:
    modules: dict[str, _Module] = {}
    for folder, prefix in (("service", ""), ("mixins", "mixins.")):
        for path in sorted((root / folder).glob("*.py")):
            if path.name == "__init__.py":
                continue
            name = prefix + path.stem
            modules[name] = _Module(name, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return modules


def build_index(root: Path, version: str) -> EndpointIndex:
    """Parse the SDK under ``root`` (no cache)."""
    extractor = _Extractor(_parse_modules(root))
    extractor.collect()
    seen: set[tuple[str, str]] = set()
    endpoints: list[Endpoint] = []
    for endpoint in extractor.endpoints:  # services first, then mixins: keep the generated caller
        if (endpoint.method, endpoint.template) not in seen:
            seen.add((endpoint.method, endpoint.template))
            endpoints.append(endpoint)
    used = _reachable_types(extractor.types, [e.body for e in endpoints if e.body])
    return EndpointIndex(version, endpoints, {k: v for k, v in extractor.types.items() if k in used})


def _reachable_types(types: dict[str, dict[str, FieldType]], roots: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        ref = stack.pop()
        if ref in seen or ref not in types:
            continue
        seen.add(ref)
        stack.extend(f.ref for f in types[ref].values() if f.ref)
    return seen


# ---------------------------------------------------------------- cache


def _to_json(index: EndpointIndex) -> dict[str, object]:
    return {
        "sdk_version": index.sdk_version,
        "endpoints": [asdict(e) for e in index.endpoints],
        "types": {k: {f: [t.kind, t.ref, t.container] for f, t in v.items()} for k, v in index.types.items()},
    }


def _from_json(data: Any) -> EndpointIndex:  # pyright: ignore[reportAny, reportExplicitAny]
    """The index back from ``_to_json``; KeyError/TypeError on a cache of another shape."""
    endpoints = [
        Endpoint(
            method=str(e["method"]),
            template=str(e["template"]),
            version=None if e["version"] is None else str(e["version"]),
            service=str(e["service"]),
            operation=str(e["operation"]),
            module=str(e["module"]),
            body=None if e["body"] is None else str(e["body"]),
            multi=tuple(str(m) for m in e["multi"]),
            opaque=bool(e["opaque"]),
        )
        for e in data["endpoints"]
    ]
    types = {
        str(ref): {
            str(name): FieldType(str(t[0]), None if t[1] is None else str(t[1]), str(t[2]))
            for name, t in fields.items()
        }
        for ref, fields in data["types"].items()
    }
    return EndpointIndex(str(data["sdk_version"]), endpoints, types)


@lru_cache(maxsize=1)
def load_endpoints(use_disk_cache: bool = True) -> EndpointIndex:
    """The endpoint index of the installed databricks-sdk (cached in-process, and on disk as ``sdk-endpoints``
    of scripts/cache.py, keyed by the SDK version and this module's code)."""
    root, version = sdk_location()
    cache = Cache("sdk-endpoints", (version, files_digest([Path(__file__)])))
    if use_disk_cache:
        stored = cache.get("index")
        if stored is not None:
            try:
                return _from_json(stored)
            except (KeyError, TypeError):
                pass  # a damaged entry is rebuilt below
    index = build_index(root, version)
    if use_disk_cache:
        cache.put("index", _to_json(index))
        _ = cache.save()
    return index


def match(method: str, path: str) -> Endpoint | None:
    """The SDK endpoint a concrete call such as ``GET /api/2.1/clusters/get?cluster_id=1`` reaches."""
    return load_endpoints().match(method, path)

