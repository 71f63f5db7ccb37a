"""The link checker: fixture trees in, exact findings out."""

from __future__ import annotations

from tests.conftest import FIXTURES

BROKEN = [
    "docs/index.md:3: [link] link target not found: guide/nope.md",
    "docs/index.md:3: [link] link target not found: missing.md",
    "docs/index.md:4: [link] link target not found: ../outside.md",
    "docs/index.md:4: [link] link target not found: guide/other.md",
    "docs/index.md:5: [link] link target not found: nowhere/index.md",
    "docs/index.md:7: [anchor] anchor #missing not found in guide/page.md",
    "docs/index.md:7: [anchor] anchor #no-such-heading not found on this page",
    "docs/index.md:8: [anchor] anchor #Set-up-the-CLI not found in guide/page.md (case differs: #set-up-the-cli)",
    "docs/index.md:8: [anchor] anchor #a-sectio not found on this page",
    "docs/index.md:8: [anchor] anchor #set-up not found in guide/page.md",
    "docs/index.md:10: [image] image target not found: ../img/nope.svg",
    "docs/index.md:10: [image] image target not found: img/missing.png",
    "docs/index.md:12: [image] image target not found: img/gone.png",
    "docs/index.md:14: [case] link target case differs: Guide/page.md: Guide (on disk: guide)",
    "docs/index.md:14: [case] link target case differs: guide/Page.md: Page.md (on disk: page.md)",
]


def test_broken_tree_reports_all_fifteen_planted_defects(run_cli):
    code, out, _ = run_cli("scripts.links", "--root-files", cwd=FIXTURES / "links" / "broken")
    assert code == 1
    assert out.splitlines() == BROKEN


def test_clean_tree_reports_nothing(run_cli):
    code, out, err = run_cli("scripts.links", "--root-files", cwd=FIXTURES / "links" / "clean")
    assert (code, out) == (0, "")
    assert "0 finding(s)" in err


def test_page_missing_from_nav_and_nav_entry_missing(run_cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n")
    (docs / "orphan.md").write_text("# Orphan\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nnav:\n  - index.md\n  - Gone: gone.md\n")
    code, out, _ = run_cli("scripts.links", "--root-files", cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == [
        "docs/orphan.md:1: [nav] page is not in the nav of mkdocs.yml",
        "mkdocs.yml:4: [nav] nav entry not found: gone.md",
    ]


def test_links_inside_code_blocks_are_not_links(run_cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n```markdown\n[not a link](missing.md)\n```\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nnav:\n  - index.md\n")
    assert run_cli("scripts.links", "--root-files", cwd=tmp_path)[:2] == (0, "")


def test_the_real_docs_have_no_broken_links(run_cli):
    code, out, err = run_cli("scripts.links")
    assert code == 0, out + err
