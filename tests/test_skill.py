"""The Agent Skill for these docs (skills/c7-databricks/SKILL.md): valid front matter in the Agent Skills format,
every URL it names under the site served by the built site, every llms file named, and the home page's MCP
command."""

from __future__ import annotations

import re

import yaml

from scripts.docmodel import parse_page
from scripts.siteconfig import load_config
from tests.conftest import ROOT

SKILL = ROOT / "skills" / "c7-databricks" / "SKILL.md"
SITE_URL = load_config(ROOT / "mkdocs.yml")["site_url"]
# The fields the Agent Skills format defines; any other is an error there.
FIELDS = {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}


def _front_matter() -> tuple[dict[str, object], str]:
    text = SKILL.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?\n)---\n", text, re.DOTALL)
    assert match, "SKILL.md does not start with YAML front matter"
    return yaml.safe_load(match.group(1)), text[match.end():]


def _site_urls(text: str) -> list[str]:
    return [u.rstrip(".,:;") for u in re.findall(rf"{re.escape(SITE_URL)}[^\s`)>\"']*", text)]


def test_front_matter_has_a_valid_name_and_description():
    front, body = _front_matter()
    assert set(front) <= FIELDS, set(front) - FIELDS
    name = front.get("name")
    assert isinstance(name, str) and len(name) <= 64 and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
    assert name == SKILL.parent.name
    description = front.get("description")
    assert isinstance(description, str) and description.strip() and len(description) <= 1024, description
    assert body.strip()


def test_every_site_url_in_the_skill_is_served_by_the_built_site(built_site):
    proc, out = built_site
    assert proc.returncode == 0, proc.stderr
    urls = _site_urls(SKILL.read_text(encoding="utf-8"))
    assert f"{SITE_URL}llms.txt" in urls
    missing = []
    for url in urls:
        rel = url.removeprefix(SITE_URL)
        path = out / rel / "index.html" if rel == "" or rel.endswith("/") else out / rel
        if not path.is_file():
            missing.append(url)
    assert missing == []


def test_the_skill_names_every_llms_file_of_the_built_site(built_site):
    _, out = built_site
    urls = set(_site_urls(SKILL.read_text(encoding="utf-8")))
    files = sorted(p.name for p in out.glob("llms*.txt"))
    assert len(files) > 2
    assert [name for name in files if f"{SITE_URL}{name}" not in urls] == []


def test_the_skill_gives_the_home_page_mcp_command():
    page = parse_page(ROOT / "docs" / "index.md", "index.md")
    commands = [b.code for b in page.blocks if b.language == "shell" and "mcpdoc" in b.code]
    assert len(commands) == 1
    one_line = " ".join(commands[0].replace("\\\n", " ").split())
    assert f"`{one_line}`" in SKILL.read_text(encoding="utf-8")
