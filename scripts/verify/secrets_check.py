"""Credential hygiene: no block of any language holds something that looks like a real credential.

Every fenced block is scanned, text and output blocks included, and ``skip`` blocks too: ``skip``
says an example is not executed, but a leaked token is a leak wherever it sits. Findings give the
Markdown line and the kind of credential, never the value.

Detectors: detect-secrets' regex plugins, used in-process through their library API (no baseline,
no global settings), for credentials with a recognisable shape: AWS access keys (and secret keys
assigned next to ``aws``), Azure storage account keys (``AccountKey=`` in connection strings), PEM and
OpenSSH private keys (which covers the ``private_key`` of a GCP service-account JSON), GitHub,
GitLab, Slack, Stripe, OpenAI, PyPI, npm ... tokens, JWTs (``Authorization: Bearer eyJ...``) and
``scheme://user:password@host`` URLs. Its keyword and high-entropy plugins are not used: they
flag every ``token = "..."`` and every checksum.

Plus one pattern of our own, the Databricks personal access token: ``dapi`` + 32 lowercase hex
digits, with an optional ``-N`` suffix. Databricks does not publish the format; this is the shape
gitleaks (rule ``databricks-api-token``) and trufflehog (``databrickstoken``) both use. Other
Databricks prefixes (OAuth secrets) are not checked: no published source for them was found.

Placeholders pass: ``<personal-access-token>``, ``${DATABRICKS_TOKEN}``, ``$TOKEN``, ``{{token}}``,
``dapi...``/``dapiXXXX`` (too short or not hex), ``xxxx``/``****`` (or a run of 8 ``x``/``X``/``0``
or 4 ``*`` inside the value, as in ``AKIAXXXXXXXXXXXXXXXX``), AWS's documented example keys
(``AKIAIOSFODNN7EXAMPLE``: any value containing ``EXAMPLE``), and private keys whose body is elided
(``-----BEGIN PRIVATE KEY-----\\n...``). A realistic fake such as ``dapi`` + 32 hex digits is
reported on purpose: it teaches readers to paste real tokens into code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from detect_secrets.plugins.artifactory import ArtifactoryDetector
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector

from scripts.docmodel import Block
from scripts.verify.base import Context, OracleResult, code_line, key

NAME = "secrets"
DATABRICKS_PAT = "Databricks personal access token"
DATABRICKS_PAT_RE = re.compile(r"\bdapi[0-9a-f]{32}(?:-\d)?\b")

PLACEHOLDER_RES = (
    re.compile(r"^<[^<>]*>$"),  # <personal-access-token>
    re.compile(r"^\$\{[^}]*\}$"),  # ${DATABRICKS_TOKEN}
    re.compile(r"^\$[A-Za-z_]\w*$"),  # $TOKEN
    re.compile(r"^\{\{.*\}\}$"),  # {{ secrets.TOKEN }}
    re.compile(r"^(.)\1+$"),  # xxxx, ****
    re.compile(r"x{8,}|X{8,}|\*{4,}|0{8,}"),  # AKIAXXXXXXXXXXXXXXXX
    re.compile(r"example", re.IGNORECASE),  # AWS's AKIAIOSFODNN7EXAMPLE
)
# Key material after a BEGIN ... PRIVATE KEY marker: a long base64 run (``\n`` escapes allowed).
KEY_BODY_RE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY[A-Z ]*-----(?:\\n|\s)*[A-Za-z0-9+/=]{40,}")
SERVICE_ACCOUNT_RE = re.compile(r'"type"\s*:\s*"service_account"')


@lru_cache(maxsize=1)
def detectors() -> tuple[RegexBasedDetector, ...]:
    """The detect-secrets plugins used (see the module docstring for why these)."""
    classes = (
        AWSKeyDetector, AzureStorageKeyDetector, PrivateKeyDetector, GitHubTokenDetector,
        GitLabTokenDetector, JwtTokenDetector, SlackDetector, StripeDetector, OpenAIDetector,
        PypiTokenDetector, NpmDetector, SendGridDetector, TwilioKeyDetector, DiscordBotTokenDetector,
        MailchimpDetector, SquareOAuthDetector, ArtifactoryDetector, BasicAuthDetector,
    )  # fmt: skip
    return tuple(cls() for cls in classes)


def is_placeholder(value: str) -> bool:
    """True for values that stand for a credential rather than being one."""
    return any(p.search(value) for p in PLACEHOLDER_RES)


def kind_of_private_key(code: str) -> str | None:
    """'Private key' kind for a block, or None when the key body is elided (a placeholder)."""
    if not KEY_BODY_RE.search(code):
        return None
    return "GCP service-account private key" if SERVICE_ACCOUNT_RE.search(code) else "Private key"


def scan_code(code: str) -> Iterator[tuple[int, str]]:
    """(0-based line, kind of credential) for each credential-like string in ``code``."""
    private_key_kind = kind_of_private_key(code)
    for line0, line in enumerate(code.split("\n")):
        kinds: list[str] = []
        if any(not is_placeholder(m.group(0)) for m in DATABRICKS_PAT_RE.finditer(line)):
            kinds.append(DATABRICKS_PAT)
        for detector in detectors():
            values = [v for v in detector.analyze_string(line) if not is_placeholder(v)]
            if not values:
                continue
            if isinstance(detector, PrivateKeyDetector):
                if private_key_kind:
                    kinds.append(private_key_kind)
            else:
                kinds.append(str(detector.secret_type))
        for kind in dict.fromkeys(kinds):
            yield line0, kind


def check(blocks: Sequence[Block], ctx: Context) -> OracleResult:
    """Scan every block on the page for credential-like strings."""
    result = OracleResult(NAME)
    for block in blocks:
        result.checked.add(key(block))
        for line0, kind in scan_code(block.code):
            result.fail(
                block,
                f"looks like a real credential ({kind}): use a placeholder such as <personal-access-token> "
                "or read it from the environment or a secret scope",
                code_line(block, line0),
            )
    return result
