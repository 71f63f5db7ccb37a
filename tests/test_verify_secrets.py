"""Specification of the credential-hygiene oracle: real-looking credentials fail, placeholders pass.

The leak fixture is a template: its ``{{fake:KIND}}`` markers are replaced here by generated,
credential-shaped values (derived from a fixed seed, so runs are repeatable). Committing such values
would trip GitHub push protection and any secret scanner run over this repository.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from scripts.docmodel import parse_page
from scripts.verify import secrets_check
from scripts.verify.base import Context

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "verify" / "secrets"
MARKER_RE = re.compile(r"\{\{fake:(?P<kind>[a-z-]+)\}\}")
ADVICE = "use a placeholder such as <personal-access-token> or read it from the environment or a secret scope"


def _digest(label: str, size: int) -> bytes:
    return hashlib.sha256(f"c7-fixture:{label}".encode()).digest() * (size // 32 + 1)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def fake(kind: str) -> str:
    """A credential-shaped value that was never a credential."""
    if kind == "databricks-pat":
        return "dapi" + _digest(kind, 16)[:16].hex()
    if kind == "aws-access-key":
        return "AKIA" + base64.b32encode(_digest(kind, 10)[:10]).decode()
    if kind == "azure-account-key":
        return base64.b64encode(_digest(kind, 64)[:64]).decode()
    if kind == "github-token":
        return "ghp_" + _b64url(_digest(kind, 27)[:27]).replace("-", "a").replace("_", "b")
    if kind == "key-body":
        return base64.b64encode(_digest(kind, 96)[:96]).decode()
    if kind == "jwt":
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps({"sub": "fixture", "iat": 1700000000}).encode())
        return f"{header}.{payload}.{_b64url(_digest(kind, 32)[:32])}"
    raise ValueError(f"unknown fake credential kind {kind!r}")


@pytest.fixture(scope="module")
def leaks(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[tuple[int, str]]]:
    template = (FIXTURES / "leaks.md.template").read_text(encoding="utf-8")
    page = tmp_path_factory.mktemp("secrets") / "leaks.md"
    page.write_text(MARKER_RE.sub(lambda m: fake(m.group("kind")), template), encoding="utf-8")
    result = secrets_check.check(parse_page(page).blocks, Context(work_dir=page.parent))
    return page.read_text(encoding="utf-8"), [(f.line, f.message) for f in result.findings]


def finding(kind: str) -> str:
    return f"looks like a real credential ({kind}): {ADVICE}"


def test_generated_fakes_have_the_real_shapes() -> None:
    assert re.fullmatch(r"dapi[0-9a-f]{32}", fake("databricks-pat"))
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", fake("aws-access-key"))
    assert len(fake("azure-account-key")) == 88
    assert re.fullmatch(r"ghp_[A-Za-z0-9]{36}", fake("github-token"))


def test_each_leak_is_reported_once_at_its_line_with_its_kind(leaks: tuple[str, list[tuple[int, str]]]) -> None:
    _, findings = leaks
    assert findings == [
        (11, finding("Databricks personal access token")),  # python
        (17, finding("AWS Access Key")),  # text
        (25, finding("Databricks personal access token")),  # ini, with a rotation suffix
        (29, finding("Azure Storage Account access key")),  # connection string
        (30, finding("GitHub Token")),
        (37, finding("GCP service-account private key")),  # service-account JSON
        (44, finding("JSON Web Token")),  # an output block
        (49, finding("Databricks personal access token")),  # a skipped block
    ]


def test_findings_never_repeat_the_secret(leaks: tuple[str, list[tuple[int, str]]]) -> None:
    _, findings = leaks
    for kind in ("databricks-pat", "aws-access-key", "azure-account-key", "github-token", "key-body", "jwt"):
        assert all(fake(kind) not in message for _, message in findings)


def test_placeholders_pass() -> None:
    result = secrets_check.check(parse_page(FIXTURES / "placeholders.md").blocks, Context(work_dir=FIXTURES))
    assert result.findings == []
    assert len(result.checked) == 5


@pytest.mark.parametrize(
    "text",
    ["<personal-access-token>", "${DATABRICKS_TOKEN}", "dapi...", "dapiXXXX", "dapi" + "g" * 32, "dapi" + "abc123" * 5],
)
def test_databricks_token_placeholders_pass(text: str) -> None:
    assert list(secrets_check.scan_code(f'token = "{text}"')) == []


def test_a_dapi_token_with_a_rotation_suffix_fails() -> None:
    assert list(secrets_check.scan_code(f"token={fake('databricks-pat')}-1")) == [
        (0, "Databricks personal access token")
    ]
