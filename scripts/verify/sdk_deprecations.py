"""Every deprecated class, field, service, method and parameter of the installed databricks-sdk, read from its
docstrings with ``ast`` (the SDK is parsed, never imported: ``service/*.py``, ``mixins/*.py`` and the clients'
properties in ``__init__.py``).

Something is deprecated only when its own text says so (``deprecation``): a sentence that opens with
"Deprecated" ("Deprecated:", "[Deprecated, use x instead]"), "This (legacy) field/API is deprecated",
"deprecated in favor of", "deprecated:", ``.. deprecated::`` or a "Deprecation note"; not "replaces the
deprecated X" nor "will be deprecated". Methods of a deprecated service are deprecated with it; a wrapper
without docs (``update_config_and_wait``) inherits what the method it calls says of the parameters it passes.
The replacement is what follows "use", "in favor of" or "replaced by" (``:method:alerts/create`` becomes
``w.alerts.create``). ``load_deprecations()`` caches the index in-process and as ``sdk-deprecations`` in
scripts/cache.py, keyed by the SDK version and this module's code.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from scripts.cache import Cache, files_digest
from scripts.verify.sdk_endpoints import body_writes, sdk_location

CLIENTS = {"WorkspaceClient": "w", "AccountClient": "a"}

# Each pattern is tried on one sentence. A sentence that opens with the word ("Deprecated: ...", "Deprecated
# since ...", "[Deprecated, use x instead]", "(Optional, DEPRECATED — use ...)"), not "Deprecated LLM judge values".
_OPENER = re.compile(
    r"^[\s(\[*⚠]*(?:Optional,\s*)?(?:Deprecated|DEPRECATED)"
    r"(?=\s*[:.,;—–)\]-]|\s+(?:in\s+favou?r|since|and\s+ignored|alias|compatibility\s+alias)\b)"
)
_SELF = re.compile(
    r"\bthis\s+(?:legacy\s+)?(?:field|api|method|parameter|endpoint|operation|setting)\s+(?:is|has\s+been)\s+"
    r"(?:now\s+)?`*deprecated\b",
    re.I,
)
_IN_FAVOR = re.compile(
    r"(?<!\bis )(?<!\bare )(?<!\bbe )(?<!\bbeen )(?<!\bthe )\bdeprecated\s+in\s+favou?r\s+of\b", re.I
)
_COLON = re.compile(r"(?<!\bthe )\bdeprecated:", re.I)
_NOTE = re.compile(r"\bDeprecation\s+note\b")
_MARKERS = (_OPENER, _SELF, _IN_FAVOR, _COLON, _NOTE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<[^>]*>`_{0,2}")

_REPLACEMENT = re.compile(
    r"(?<!\bnot )\b(?P<verb>[Uu]se|[Uu]sing|in\s+favou?r\s+of|replaced\s+by|[Mm]igrate\s+to|alias\s+for)\s+"
    r"(?:the\s+)?(?:new\s+)?(?:name\s+)?"
    r"(?:``(?P<code2>[^`]+)``|`(?P<code>[^`]+)`|\[[^\]]*\]\((?P<link>:method:[\w/-]+)\)|(?P<method>:method:[\w/-]+)"
    r"|'(?P<quote>[^'\s]+)'|\"(?P<dquote>[^\"]+)\""
    r"|(?P<text>(?:[^.,;:()\[\]`'\"]|\.(?=\w)|\([^()]*\))+?)"
    r"(?=\s+instead\b|\s+to\b|\s+which\b|\s+for\b|\s+in\s+combination\b|\s+fields?\b|\s+tag\b|[.,;:)\[\]]|\s*$))"
)
_IDENTIFIER = re.compile(r"^[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class Deprecation:
    """What the SDK says: its sentence, and the replacement it names ("" when it names none)."""

    text: str
    replacement: str = ""

    def advice(self) -> str:
        """``use `schema``` when a replacement is named, else the SDK's own sentence."""
        return f"use {self.replacement}" if self.replacement else f'the SDK says "{self.text}"'


@dataclass
class Method:
    params: tuple[str, ...]  # in order, without ``self``
    positional: int = 0  # how many of them may be given by position (the rest are keyword-only)
    deprecated: Deprecation | None = None
    param_deprecations: dict[str, Deprecation] = field(default_factory=dict)
    body_params: dict[str, str] = field(default_factory=dict)  # JSON body key -> parameter (deprecated ones)


@dataclass
class Service:
    """A service class (``pipelines.PipelinesAPI``, a mixin such as ``mixins.jobs.JobsExt``)."""

    name: str
    deprecated: Deprecation | None = None
    methods: dict[str, Method] = field(default_factory=dict)
    children: dict[str, str] = field(default_factory=dict)  # property -> service key (``w.settings.<x>``)
    bases: tuple[str, ...] = ()


@dataclass
class DeprecationIndex:
    sdk_version: str
    classes: dict[str, Deprecation]  # "serving.AutoCaptureConfigInput"
    fields: dict[str, dict[str, Deprecation]]  # dataclass -> attribute -> why (dataclasses with one only)
    json_names: dict[str, dict[str, str]]  # dataclass -> JSON key -> attribute, where they differ
    services: dict[str, Service]
    clients: dict[str, dict[str, str]]  # "WorkspaceClient" -> property -> service key
    client_deprecations: dict[str, dict[str, Deprecation]] = field(default_factory=dict)  # client -> property
    display: dict[str, str] = field(default_factory=dict)  # service key -> "w.pipelines"

    def method(self, service: str, name: str) -> tuple[Method, Deprecation | None] | None:
        """A method of a service (inherited ones included) and why it is deprecated (its own text first)."""
        seen: set[str] = set()
        stack = [service]
        while stack:
            key = stack.pop(0)
            if key in seen or key not in self.services:
                continue
            seen.add(key)
            found = self.services[key].methods.get(name)
            if found is not None:
                return found, found.deprecated or self.services[key].deprecated or self.services[service].deprecated
            stack.extend(self.services[key].bases)
        return None

    def field_deprecation(self, cls: str, json_key: str) -> tuple[str, Deprecation] | None:
        """(attribute, why) when the JSON key of a dataclass is a deprecated field."""
        attr = self.json_names.get(cls, {}).get(json_key, json_key)
        why = self.fields.get(cls, {}).get(attr)
        return (attr, why) if why is not None else None

    def counts(self) -> dict[str, int]:
        methods = [m for s in self.services.values() for m in s.methods.values()]
        return {
            "classes": len(self.classes),
            "fields": sum(len(f) for f in self.fields.values()),
            "services": sum(1 for s in self.services.values() if s.deprecated),
            "methods": sum(1 for m in methods if m.deprecated),
            "params": sum(len(m.param_deprecations) for m in methods),
        }


# ---------------------------------------------------------------- reading a text


def deprecation(text: str) -> Deprecation | None:
    """Why a docstring's subject is deprecated, or None when its own text does not say so."""
    sentences = _sentences(text.replace(".. deprecated::", "Deprecated:"))
    for i, sentence in enumerate(sentences):
        if any(marker.search(sentence) for marker in _MARKERS):
            shown = sentence if len(sentence) >= 30 or i + 1 == len(sentences) else f"{sentence} {sentences[i + 1]}"
            shown = _RST_LINK.sub(r"\1", shown)
            shown = shown if len(shown) <= 160 else shown[:157].rstrip() + "..."
            return Deprecation(shown, _replacement(" ".join(sentences[i:])))
    return None


def _sentences(text: str) -> list[str]:
    """A docstring's sentences, whitespace collapsed; a paragraph or list item ends one too."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n\s*(?=- )", text):
        flat = " ".join(paragraph.split())
        out.extend(s for s in _SENTENCE_END.split(flat) if s)
    return out


def _replacement(text: str) -> str:
    for found in _REPLACEMENT.finditer(text):
        method = found.group("link") or found.group("method")
        if method:
            return method  # resolved to a client call once the clients are known
        code = found.group("code2") or found.group("code")
        if code:
            return "`" + re.sub(r"\s*<[^>]*>$", "", code).strip() + "`"
        if found.group("verb") == "alias for":
            continue  # "alias for the caller-provided ID" names no replacement; "alias for ``x``" does
        what = (found.group("quote") or found.group("dquote") or found.group("text") or "").strip()
        if what and len(what) <= 60:
            return f"`{what}`" if _IDENTIFIER.match(what) else what
    return ""


def _param_docs(doc: str) -> dict[str, str]:
    """``:param name:`` -> its description (the type line dropped)."""
    out: dict[str, str] = {}
    for m in re.finditer(r":param (\w+):(.*?)(?=:param \w+:|:returns|:raises|\Z)", doc, re.S):
        text = m.group(2)
        out[m.group(1)] = text.split("\n", 1)[1] if "\n" in text else ""
    return out


def _description(doc: str) -> str:
    """A method docstring before its first ``:param``/``:returns``."""
    return re.split(r"\n\s*:(?:param|returns|raises)\b", doc, maxsplit=1)[0]


# ---------------------------------------------------------------- reading the SDK


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def _is_dataclass(cls: ast.ClassDef) -> bool:
    return any(_name(d.func if isinstance(d, ast.Call) else d) == "dataclass" for d in cls.decorator_list)


def _is_enum(cls: ast.ClassDef) -> bool:
    return any(_name(b) == "Enum" for b in cls.bases)


class _Reader:
    def __init__(self, modules: dict[str, ast.Module]) -> None:
        self.modules = modules
        self.classes: dict[str, Deprecation] = {}
        self.fields: dict[str, dict[str, Deprecation]] = {}
        self.json_names: dict[str, dict[str, str]] = {}
        self.services: dict[str, Service] = {}

    def read(self) -> None:
        for module, tree in self.modules.items():
            names = _module_names(module, tree)
            for cls in tree.body:
                if not isinstance(cls, ast.ClassDef) or _is_enum(cls):
                    continue
                if _is_dataclass(cls):
                    self._dataclass(module, cls)
                elif any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in cls.body):
                    self._service(module, cls, names)

    def _dataclass(self, module: str, cls: ast.ClassDef) -> None:
        key = f"{module}.{cls.name}"
        why = deprecation(ast.get_docstring(cls) or "")
        if why is not None:
            self.classes[key] = why
        deprecated: dict[str, Deprecation] = {}
        for node, after in zip(cls.body, [*cls.body[1:], None], strict=True):
            if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)):
                continue
            doc = after.value.value if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) else None
            if isinstance(doc, str):
                found = deprecation(doc)
                if found is not None:
                    deprecated[node.target.id] = found
        if not deprecated:
            return
        self.fields[key] = deprecated
        as_dict = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "as_dict"), None)
        renamed = {k: a for k, a in body_writes(as_dict, "body", self_attr=True).items() if k != a} if as_dict else {}
        if renamed:
            self.json_names[key] = renamed

    def _service(self, module: str, cls: ast.ClassDef, names: dict[str, str]) -> None:
        service = Service(f"{module}.{cls.name}", deprecation(ast.get_docstring(cls) or ""))
        service.bases = tuple(b for b in (_resolve(names, base) for base in cls.bases) if b)
        functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        for fn in cls.body:
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or fn.name.startswith("_"):
                continue
            if any(_name(d) in ("property", "cached_property") for d in fn.decorator_list):
                target = _resolve(names, fn.returns) if fn.returns is not None else None
                if target:
                    service.children[fn.name] = target
                continue
            service.methods[fn.name] = _method(fn)
            functions.append(fn)
        for fn in functions:
            _forwarded(fn, service.methods)
        self.services[service.name] = service


def _method(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Method:
    doc = ast.get_docstring(fn) or ""
    params = tuple(a.arg for a in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs] if a.arg != "self")
    positional = sum(1 for a in [*fn.args.posonlyargs, *fn.args.args] if a.arg != "self")
    method = Method(params, positional, deprecation(_description(doc)))
    for name, text in _param_docs(doc).items():
        why = deprecation(text)
        if why is not None and name in params:
            method.param_deprecations[name] = why
    if method.param_deprecations:
        keys = body_writes(fn, "body", self_attr=False)
        method.body_params = {k: p for k, p in keys.items() if p in method.param_deprecations}
        for param in method.param_deprecations:  # a parameter sent under its own name
            if param not in method.body_params.values() and param not in method.body_params:
                method.body_params[param] = param
    return method


def _forwarded(fn: ast.FunctionDef | ast.AsyncFunctionDef, methods: dict[str, Method]) -> None:
    """A wrapper without docs of its own (``update_config_and_wait``) that passes its parameters on to a
    method of the same class (``self.update_config(x=x)``) is deprecated where that method is."""
    wrapper = methods[fn.name]
    if ast.get_docstring(fn):
        return
    for call in ast.walk(fn):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id == "self"):
            continue
        callee = methods.get(call.func.attr)
        if callee is None or callee is wrapper:
            continue
        if wrapper.deprecated is None and callee.deprecated is not None:
            wrapper.deprecated = callee.deprecated
        for keyword in call.keywords:
            why = callee.param_deprecations.get(keyword.arg or "")
            if why is not None and isinstance(keyword.value, ast.Name) and keyword.value.id in wrapper.params:
                wrapper.param_deprecations.setdefault(keyword.value.id, why)


def _module_names(module: str, tree: ast.Module) -> dict[str, str]:
    """Local names of a file -> SDK modules (``pkg_jobs`` -> ``jobs``) or classes (``JobsExt`` ->
    ``mixins.jobs.JobsExt``)."""
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = f"{module}.{node.name}"
        elif isinstance(node, ast.ImportFrom) and node.module:
            source = node.module.removeprefix("databricks.sdk.") if node.level == 0 else node.module
            for alias in node.names:
                local = alias.asname or alias.name
                if source in ("service", "databricks.sdk.service"):
                    names[local] = alias.name
                elif source.startswith(("service.", "mixins.")):
                    sub = source.split(".", 1)[1]
                    prefix = "" if source.startswith("service.") else "mixins."
                    names[local] = f"{prefix}{sub}.{alias.name}"
    return names


def _resolve(names: dict[str, str], node: ast.expr | None) -> str | None:
    """``pkg_jobs.JobsAPI`` / ``JobsExt`` / ``"JobsAPI"`` -> the service key."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in names:
        return f"{names[node.value.id]}.{node.attr}"
    if isinstance(node, ast.Name):
        return names.get(node.id)
    return None


def _clients(tree: ast.Module) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, Deprecation]]]:
    names = _module_names("", tree)
    clients: dict[str, dict[str, str]] = {}
    deprecated: dict[str, dict[str, Deprecation]] = {}
    for cls in tree.body:
        if not (isinstance(cls, ast.ClassDef) and cls.name in CLIENTS):
            continue
        props: dict[str, str] = {}
        for fn in cls.body:
            if isinstance(fn, ast.FunctionDef) and any(_name(d) == "property" for d in fn.decorator_list):
                target = _resolve(names, fn.returns)
                if target:
                    props[fn.name] = target
                    why = deprecation(ast.get_docstring(fn) or "")
                    if why is not None:
                        deprecated.setdefault(cls.name, {})[fn.name] = why
        clients[cls.name] = props
    return clients, deprecated


def build_index(root: Path, version: str) -> DeprecationIndex:
    """Parse the SDK under ``root`` (no cache)."""
    modules: dict[str, ast.Module] = {}
    for folder, prefix in (("service", ""), ("mixins", "mixins.")):
        for path in sorted((root / folder).glob("*.py")):
            if path.name != "__init__.py":
                modules[prefix + path.stem] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    reader = _Reader(modules)
    reader.read()
    clients, client_deprecations = _clients(ast.parse((root / "__init__.py").read_text(encoding="utf-8")))
    index = DeprecationIndex(version, reader.classes, reader.fields, reader.json_names, reader.services, clients,
                             client_deprecations)
    index.display = _display_names(index)
    _resolve_method_references(index)
    return index


def _display_names(index: DeprecationIndex) -> dict[str, str]:
    """Service key -> how an example reaches it (``w.pipelines``, ``w.settings.disable_legacy_dbfs``)."""
    display: dict[str, str] = {}
    queue = [(f"{CLIENTS[client]}.{prop}", target)
             for client, props in index.clients.items() for prop, target in props.items()]
    while queue:
        shown, key = queue.pop(0)
        if key in display or key not in index.services:
            continue
        display[key] = shown
        queue.extend((f"{shown}.{child}", target) for child, target in index.services[key].children.items())
        queue.extend((shown, base) for base in index.services[key].bases)  # a mixin's base class
    return display


def _resolve_method_references(index: DeprecationIndex) -> None:
    """``:method:alerts/create`` -> ``w.alerts.create`` where the workspace client has that service."""
    squashed = {prop.replace("_", ""): (prop, key) for prop, key in index.clients.get("WorkspaceClient", {}).items()}

    def fix(why: Deprecation | None) -> Deprecation | None:
        if why is None or not why.replacement.startswith(":method:"):
            return why
        service, _, operation = why.replacement.removeprefix(":method:").partition("/")
        prop, key = squashed.get(service.replace("_", "").replace("-", "").lower(), ("", ""))
        methods = {m.replace("_", ""): m for m in _all_methods(index, key)} if key else {}
        name = methods.get(operation.replace("_", "").lower())
        shown = f"`w.{prop}.{name}`" if prop and name else f"`{service}/{operation}`"
        return Deprecation(why.text, shown)

    for service in index.services.values():
        service.deprecated = fix(service.deprecated)
        for method in service.methods.values():
            method.deprecated = fix(method.deprecated)
            fixed = ((p, fix(w)) for p, w in method.param_deprecations.items())
            method.param_deprecations = {p: w for p, w in fixed if w}


def _all_methods(index: DeprecationIndex, key: str) -> set[str]:
    found: set[str] = set()
    stack = [key]
    while stack:
        service = index.services.get(stack.pop())
        if service is not None:
            found |= set(service.methods)
            stack.extend(service.bases)
    return found


# ---------------------------------------------------------------- cache


def _to_plain(index: DeprecationIndex) -> dict[str, Any]:  # pyright: ignore[reportExplicitAny]
    def dep(why: Deprecation | None) -> list[str] | None:
        return None if why is None else [why.text, why.replacement]

    return {
        "sdk_version": index.sdk_version,
        "classes": {k: dep(v) for k, v in index.classes.items()},
        "fields": {k: {f: dep(w) for f, w in v.items()} for k, v in index.fields.items()},
        "json_names": index.json_names,
        "services": {
            k: [dep(s.deprecated), list(s.bases), s.children,
                {m: [list(x.params), x.positional, dep(x.deprecated),
                     {p: dep(w) for p, w in x.param_deprecations.items()}, x.body_params]
                 for m, x in s.methods.items()}]
            for k, s in index.services.items()
        },
        "clients": index.clients,
        "client_deprecations": {c: {p: dep(w) for p, w in v.items()} for c, v in index.client_deprecations.items()},
        "display": index.display,
    }


def _from_plain(data: Any) -> DeprecationIndex:  # pyright: ignore[reportAny, reportExplicitAny]
    """The index back from ``_to_plain``; KeyError/TypeError/ValueError on a cache of another shape."""

    def dep(raw: Any) -> Deprecation | None:  # pyright: ignore[reportAny, reportExplicitAny]
        return None if raw is None else Deprecation(str(raw[0]), str(raw[1]))

    def must(raw: Any) -> Deprecation:  # pyright: ignore[reportAny, reportExplicitAny]
        found = dep(raw)
        if found is None:
            raise ValueError("missing deprecation")
        return found

    services: dict[str, Service] = {}
    for key, (why, bases, children, methods) in data["services"].items():
        services[str(key)] = Service(
            str(key), dep(why), {
                str(m): Method(tuple(str(p) for p in params), int(positional), dep(mwhy),
                               {str(p): must(w) for p, w in pdeps.items()}, {str(k): str(v) for k, v in body.items()})
                for m, (params, positional, mwhy, pdeps, body) in methods.items()
            }, {str(c): str(t) for c, t in children.items()}, tuple(str(b) for b in bases))
    return DeprecationIndex(
        str(data["sdk_version"]),
        {str(k): must(v) for k, v in data["classes"].items()},
        {str(k): {str(f): must(w) for f, w in v.items()} for k, v in data["fields"].items()},
        {str(k): {str(j): str(a) for j, a in v.items()} for k, v in data["json_names"].items()},
        services,
        {str(c): {str(p): str(t) for p, t in v.items()} for c, v in data["clients"].items()},
        {str(c): {str(p): must(w) for p, w in v.items()} for c, v in data["client_deprecations"].items()},
        {str(k): str(v) for k, v in data["display"].items()},
    )


@lru_cache(maxsize=1)
def load_deprecations(use_disk_cache: bool = True) -> DeprecationIndex:
    """The deprecation index of the installed databricks-sdk (cached in-process, and on disk as
    ``sdk-deprecations`` of scripts/cache.py, keyed by the SDK version and the code of this module and of
    sdk_endpoints, whose body reader it uses).
    Raises RuntimeError when databricks-sdk is not installed."""
    root, version = sdk_location()
    here = Path(__file__)
    cache = Cache("sdk-deprecations", (version, files_digest([here, here.with_name("sdk_endpoints.py")])))
    if use_disk_cache:
        stored = cache.get("index")
        if stored is not None:
            try:
                return _from_plain(stored)
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # a damaged entry is rebuilt below
    index = build_index(root, version)
    if use_disk_cache:
        cache.put("index", _to_plain(index))
        _ = cache.save()
    return index
