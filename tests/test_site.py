"""The site and the project files around it: strict build, nav, Context7 config, workflows, versions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import metadata

import jsonschema

from scripts.docmodel import load_docs
from scripts.siteconfig import load_config, nav_pages, verified_against
from tests.conftest import ROOT


def test_strict_build_succeeds_with_zero_warnings(built_site):
    proc, _ = built_site
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr


def test_announcement_names_every_verified_version_as_readable_text(built_site):
    _, out = built_site
    html = (out / "index.html").read_text()
    bar = re.search(r'<span class="c7-verified">(.*?)</span>', html, re.DOTALL)
    assert bar is not None
    text = " ".join(re.sub(r"<[^>]+>", "", bar.group(1)).split())
    versions = verified_against(load_config(ROOT / "mkdocs.yml"))
    listed = ", ".join(f"{name} {version}" for name, version in versions.items())
    assert text.startswith(f"Examples verified against {listed}.")


def test_each_reviewed_page_shows_its_review_date_and_every_source_and_other_pages_show_none(built_site):
    _, out = built_site
    reviewed = 0
    for page in load_docs(ROOT / "docs").pages:
        stem = page.rel.removesuffix(".md")
        html_path = out / (stem.removesuffix("index") if stem.endswith("index") else stem + "/") / "index.html"
        html = html_path.read_text()
        aside = re.search(r'<aside class="c7-page-review".*?</aside>', html, re.DOTALL)
        if "reviewed" not in page.front_matter:
            assert aside is None, page.rel
            continue
        reviewed += 1
        assert aside is not None, page.rel
        text = " ".join(re.sub(r"<[^>]+>", " ", aside.group(0)).split())
        assert f"Last reviewed: {page.front_matter['reviewed']}" in text, page.rel
        listed = re.findall(r"<li>(.*?)</li>", aside.group(0))
        sources = page.front_matter["sources"]
        assert isinstance(sources, list) and len(listed) == len(sources), page.rel
        for item, source in zip(listed, sources, strict=True):
            link = f'<a href="{source}">{source}</a>'
            assert item == (link if source.startswith("https://") else f"<code>{source}</code>"), page.rel
    assert reviewed > 0, "no page has a review record yet"


def test_build_writes_llms_txt_and_404(built_site):
    """llms.txt has one H2 per top-level section of the nav, in nav order, after the pages outside sections."""
    _, out = built_site
    llms = (out / "llms.txt").read_text()
    sections = [next(iter(item)) for item in load_config(ROOT / "mkdocs.yml")["nav"]
                if isinstance(item, dict) and isinstance(next(iter(item.values())), list)]
    assert [line[3:] for line in llms.splitlines() if line.startswith("## ")] == ["Overview", *sections]
    assert (out / "llms-full.txt").stat().st_size > 0
    assert "Page not found" in (out / "404.html").read_text()


def test_every_page_is_in_the_nav_once_and_every_nav_entry_is_a_page():
    nav = nav_pages(load_config(ROOT / "mkdocs.yml"))
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    assert sorted(nav) == pages
    assert len(set(nav)) == len(nav)


def test_each_nav_section_holds_the_pages_of_one_docs_folder():
    """The site's sections are the folders of docs/: the statistics and llms.txt group pages by folder."""
    for item in load_config(ROOT / "mkdocs.yml")["nav"]:
        if isinstance(item, dict) and isinstance(next(iter(item.values())), list):
            title, children = next(iter(item.items()))
            folders = {p.split("/", 1)[0] if "/" in p else "" for p in nav_pages({"nav": children})}
            assert len(folders) == 1 and "" not in folders, (title, folders)


def test_every_page_has_title_description_and_one_h1():
    for page in load_docs(ROOT / "docs").pages:
        assert page.front_matter.get("title"), page.rel
        description = page.front_matter.get("description")
        assert isinstance(description, str) and 10 <= len(description) <= 200, page.rel
        assert [h.level for h in page.headings].count(1) == 1, page.rel
        assert page.status in ("draft", "verified"), page.rel


def test_verified_versions_match_installed_packages():
    versions = verified_against(load_config(ROOT / "mkdocs.yml"))
    for package in ("databricks-sdk", "pyspark", "delta-spark", "mlflow"):
        assert versions[package] == metadata.version(package), package
    cli = json.loads((ROOT / "scripts" / "data" / "databricks-cli-commands.json").read_text())
    assert versions["databricks-cli"] == cli["source"]["version"]
    assert set(versions) == {"databricks-sdk", "databricks-cli", "pyspark", "delta-spark", "mlflow"}


def test_context7_json_is_valid_against_the_schema():
    schema = json.loads((ROOT / "scripts" / "data" / "context7.schema.json").read_text())
    config = json.loads((ROOT / "context7.json").read_text())
    assert config.pop("$schema") == "https://context7.com/schema/context7.json"
    jsonschema.validate(config, schema)
    assert config["folders"] == ["docs"]
    assert {"tests", "scripts", "site"} <= set(config["excludeFolders"])


def test_github_workflows_validate_against_the_workflow_schema():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["ci.yml", "deploy.yml", "links-external.yml"]
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, workflows)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generated_tables_are_up_to_date(run_cli):
    code, out, err = run_cli("scripts.tables", "--check")
    assert code == 0, out + err


def test_site_makes_no_third_party_font_request():
    config = load_config(ROOT / "mkdocs.yml")
    assert config["theme"]["font"] is False


def test_every_http_block_is_highlighted_without_lexer_errors():
    """Pygments' HTTP lexer needs the request line's version; without it every line of the block is an error."""
    from pygments.lexers import HttpLexer
    from pygments.token import Error

    blocks = [(page.rel, block) for page in load_docs(ROOT / "docs").pages for block in page.blocks
              if block.language == "http"]
    assert len(blocks) > 100
    lexer = HttpLexer()
    with_errors = [f"{rel}:{block.line}" for rel, block in blocks
                   if any(token in Error for token, _ in lexer.get_tokens(block.code))]
    assert with_errors == []
