"""The MCP recipe on the home page works: mcpdoc, started with the page's own arguments but pointed at the built
site served on loopback, gives a real MCP client (the `mcp` package, over stdio) our llms.txt and a page's
Markdown copy.

mcpdoc lets `fetch_docs` reach only the host of the llms.txt it serves (plus any `--allowed-domains`), so here it
can fetch from the loopback server and nothing else; the test checks that the public site is refused, and the
server runs behind a proxy that does not exist, with only loopback exempt, so no request can leave the machine.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from importlib import metadata
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import TextContent

from scripts.docmodel import Block, parse_page
from scripts.siteconfig import load_config
from tests.conftest import ROOT

SITE_URL = load_config(ROOT / "mkdocs.yml")["site_url"]
RECIPE_PAGE = ROOT / "docs" / "index.md"
PAGE = "sdk/python.md"  # the page whose Markdown copy the client fetches
MCPDOC = Path(sys.executable).with_name("mcpdoc")
NO_NETWORK = "http://127.0.0.1:9"  # a proxy nobody listens on


def _recipe_blocks() -> tuple[Block, Block]:
    """The recipe's shell command and its client configuration on the home page."""
    page = parse_page(RECIPE_PAGE, "index.md")
    config = [b for b in page.blocks if b.language == "json" and '"mcpServers"' in b.code]
    command = [b for b in page.blocks if b.language == "shell" and "mcpdoc" in b.code]
    assert len(config) == 1 and len(command) == 1, "the home page shows one mcpdoc command and one client config"
    return command[0], config[0]


def _server_args() -> list[str]:
    """mcpdoc's own arguments from the page's client configuration, after checking it against the command."""
    command, config = _recipe_blocks()
    server = json.loads(config.code)["mcpServers"]["c7-databricks"]
    args: list[str] = server["args"]
    one_line = command.code.replace("\\\n", " ")
    assert [server["command"], *args] == shlex.split(one_line), "the command and the config differ"
    assert args[:5] == ["--from", f"mcpdoc=={metadata.version('mcpdoc')}", "--with",
                        f"mcp=={metadata.version('mcp')}", "mcpdoc"], "the recipe pins other versions than pyproject"
    assert f"c7-databricks:{SITE_URL}llms.txt" in args
    return args[5:]


def _example_line() -> str:
    """The first line of the page's Python examples with an underscore (which mcpdoc escapes) that its conversion
    leaves otherwise readable: no angle brackets, which it takes for tags, and no indentation, which it drops."""
    page = parse_page(ROOT / "docs" / PAGE, PAGE)
    lines = [line for block in page.blocks if block.language == "python" for line in block.code.splitlines()
             if "_" in line and not line[0].isspace() and not set(line) & set("<>&")]
    assert lines, f"{PAGE} has no Python line to look for"
    return lines[0]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _text(result: object) -> str:
    content = getattr(result, "content", [])
    assert not getattr(result, "isError", True) and len(content) == 1 and isinstance(content[0], TextContent)
    return content[0].text


async def _session(base: str, args: list[str], log: Path) -> dict[str, str]:
    """Run the recipe against ``base`` and return what each step gave the client."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(log.parent), "HTTP_PROXY": NO_NETWORK, "HTTPS_PROXY": NO_NETWORK,
           "ALL_PROXY": NO_NETWORK, "NO_PROXY": "127.0.0.1"}
    params = StdioServerParameters(command=str(MCPDOC), args=[a.replace(SITE_URL, base) for a in args], env=env)
    seen: dict[str, str] = {}
    with log.open("w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            seen["tools"] = " ".join(sorted(t.name for t in (await session.list_tools()).tools))
            seen["sources"] = _text(await session.call_tool("list_doc_sources", {}))
            seen["llms"] = _text(await session.call_tool("fetch_docs", {"url": f"{base}llms.txt"}))
            link = re.search(rf"\]\(({re.escape(SITE_URL)}{PAGE.removesuffix('.md')}/index\.md)\)", seen["llms"])
            seen["link"] = link.group(1) if link else ""
            if link:
                local = link.group(1).replace(SITE_URL, base)
                seen["page"] = _text(await session.call_tool("fetch_docs", {"url": local}))
            seen["public"] = _text(await session.call_tool("fetch_docs", {"url": f"{SITE_URL}llms.txt"}))
    return seen


@pytest.mark.slow  # starts the MCP server, which imports mcp and httpx: a few seconds on top of the built site
def test_mcpdoc_serves_llms_txt_and_a_page_copy_from_the_built_site(site_url, tmp_path):
    args = _server_args()
    log = tmp_path / "mcpdoc.log"

    async def run() -> dict[str, str]:
        with anyio.fail_after(45):
            return await _session(site_url, args, log)

    seen = anyio.run(run)
    assert seen["tools"] == "fetch_docs list_doc_sources"
    assert seen["sources"].startswith(f"c7-databricks\nURL: {site_url}llms.txt\n")
    assert seen["llms"].startswith("# c7-databricks\n"), seen["llms"][:200]
    assert seen["link"], f"llms.txt as served over MCP does not link {PAGE}'s copy"
    # The copy is the page: its canonical URL, and an example from its source as mcpdoc's conversion gives it
    # (the home page says so: underscores and asterisks escaped, runs of spaces squeezed).
    assert f"canonical: {SITE_URL}{PAGE.removesuffix('.md')}/" in seen["page"]
    example = _example_line()
    assert _squash(example.replace("_", r"\_").replace("*", r"\*")) in _squash(seen["page"]), example
    assert seen["public"].startswith("Error: URL not allowed"), seen["public"][:200]
    assert "HTTP Request: GET" in log.read_text(), "mcpdoc logged no fetch"
