"""llms.txt, llms-full.txt, llms-<section>.txt and the per-page Markdown copies, written from the sources
(scripts/llms.py)."""

from __future__ import annotations

import pytest

from scripts.docmodel import load_docs, parse_page
from scripts.errors import DocError
from scripts.llms import (
    Bundle,
    Entry,
    Site,
    llms_full,
    llms_index,
    llms_section,
    page_copy,
    page_markdown,
    section_file_names,
    section_slug,
    sections,
)
from tests.conftest import FIXTURES

SITE = "https://example.org/docs/"
DOCS = FIXTURES / "llms" / "docs"
BAD = FIXTURES / "llms" / "bad"
FIXTURE_SITE = Site(name="Fixture", summary="A  small\nsite.", url=SITE,
                    verified_against={"databricks-sdk": "0.162.0", "pyspark": "4.2.0"},
                    written_for="Databricks Runtime 18 LTS")
PROVENANCE = (
    "verified_against:\n"
    "  databricks-sdk: 0.162.0\n"
    "  pyspark: 4.2.0\n"
    "written_for: Databricks Runtime 18 LTS\n"
)
POINTER = "> Index of these docs for AI readers: https://example.org/docs/llms.txt\n"


def _entries() -> list[Entry]:
    pages = {p.rel: p for p in load_docs(DOCS).pages}
    return [
        Entry(pages["index.md"], "", ""),
        Entry(pages["guide/page.md"], "Guides", "guide/page/"),
        Entry(pages["reference/cli.md"], "Reference", "reference/cli/"),
        Entry(pages["reference/glossary.md"], "Reference", "reference/glossary/"),
    ]


def _md_paths(entries: list[Entry]) -> dict[str, str]:
    return {e.page.rel: e.md_path for e in entries}


def _copy(entry: Entry, entries: list[Entry]) -> str:
    return page_copy(entry, FIXTURE_SITE, page_markdown(entry, SITE, _md_paths(entries)))


def _bundles(entries: list[Entry]) -> list[Bundle]:
    names = section_file_names(list(sections(entries)), "mkdocs.yml", "")
    return [Bundle(names[title], title, len(members),
                   llms_section(title, members, name=names[title], site=FIXTURE_SITE, md_paths=_md_paths(entries)))
            for title, members in sections(entries).items()]


def test_page_markdown_makes_links_absolute_flattens_containers_and_keeps_code_verbatim():
    entries = _entries()
    assert page_markdown(entries[1], SITE, _md_paths(entries)) == (
        "# Guide\n"
        "\n"
        "*Generated line.*\n"
        "\n"
        "## Set up\n"
        "\n"
        "Go [home](https://example.org/docs/index.md), see the [diagram](https://example.org/docs/img/flow.png)"
        " or jump to [the list](https://example.org/docs/guide/page/index.md#list-jobs).\n"
        "An external [link](https://example.com/docs) stays as written.\n"
        "\n"
        "*Not verified: needs a live workspace*\n"
        "\n"
        "```python\n"
        'print("[not a link](../index.md)")\n'
        "```\n"
        "\n"
        "## List jobs\n"
        "\n"
        "*Classic compute only: reads the SparkContext*\n"
        "\n"
        "```python\n"
        "print(1)\n"
        "```\n"
        "\n"
        "## Both ways\n"
        "\n"
        "**Python**\n"
        "\n"
        "With Python:\n"
        "\n"
        "```python\n"
        "print(2)\n"
        "```\n"
        "\n"
        "**CLI**\n"
        "\n"
        "```bash\n"
        "databricks jobs list\n"
        "```\n"
        "\n"
        "**Note: Heads up**\n"
        "Text in a note.\n"
        "\n"
        "**Tip**\n"
        "A tip inside it.\n"
    )


def test_a_page_copy_opens_with_front_matter_then_a_line_pointing_at_llms_txt():
    entries = _entries()
    assert _copy(entries[1], entries).startswith(
        "---\n"
        "title: The guide\n"
        "description: A guide page with links, a directive and a code block.\n"
        "canonical: https://example.org/docs/guide/page/\n"
        + PROVENANCE +
        "reviewed: 2025-05-02\n"
        "sources:\n"
        "  - https://docs.databricks.com/api/workspace/jobs\n"
        "  - Databricks CLI 1.13.0 help text\n"
        "---\n"
        + POINTER +
        "\n"
        "# Guide\n"
        "\n"
        "*Generated line.*\n"
    )


def test_a_page_copy_without_reviewed_or_sources_has_none_and_takes_its_title_from_the_h1():
    entries = _entries()
    assert _copy(entries[0], entries) == (
        "---\n"
        "title: Fixture home\n"
        "description: The home page of a small fixture site.\n"
        "canonical: https://example.org/docs/\n"
        + PROVENANCE +
        "---\n"
        + POINTER +
        "\n"
        "# Fixture home\n"
        "\n"
        "Read the [guide](https://example.org/docs/guide/page/index.md) first, then [its set-up section]"
        "(https://example.org/docs/guide/page/index.md#set-up).\n"
    )


def test_a_page_copy_without_a_description_or_site_provenance_leaves_them_out():
    entries = _entries()
    bare = Site(name="Fixture", summary="A small site.", url=SITE)
    assert page_copy(entries[3], bare, "# Glossary\n") == (
        "---\n"
        "title: Glossary\n"
        "canonical: https://example.org/docs/reference/glossary/\n"
        "---\n"
        + POINTER +
        "\n"
        "# Glossary\n"
    )


@pytest.mark.parametrize(("name", "message"), [
    ("reviewed.md", "3: front matter 'reviewed' must be a date written YYYY-MM-DD"),
    ("sources.md", "4: front matter 'sources' must be a non-empty list, one source (URL or reference) per item"),
])
def test_a_malformed_reviewed_or_sources_is_an_error_at_its_line(name, message):
    entry = Entry(parse_page(BAD / name, name), "Guides", "bad/")
    with pytest.raises(DocError) as caught:
        page_copy(entry, FIXTURE_SITE, "# Bad\n")
    assert str(caught.value) == f"{BAD / name}:{message}"


def test_a_section_file_holds_its_pages_in_order_under_front_matter():
    entries = _entries()
    text = llms_section("Reference", entries[2:], name="llms-reference.txt", site=FIXTURE_SITE,
                        md_paths=_md_paths(entries))
    assert text == (
        "---\n"
        "title: 'Fixture: Reference'\n"
        "description: Every page of the Reference section of Fixture in one Markdown file, in navigation order,"
        " code blocks byte for byte.\n"
        "canonical: https://example.org/docs/llms-reference.txt\n"
        + PROVENANCE +
        "---\n"
        + POINTER +
        "\n"
        "# Fixture: Reference\n"
        "\n"
        "> A small site.\n"
        "\n"
        "<!-- page: https://example.org/docs/reference/cli/ -->\n"
        "\n"
        "# CLI reference\n"
        "\n"
        "See the [guide](https://example.org/docs/guide/page/index.md#set-up) and [the jobs group]"
        "(https://example.org/docs/reference/cli/index.md#jobs).\n"
        "\n"
        "## Jobs\n"
        "\n"
        "```bash\n"
        "databricks jobs list\n"
        "```\n"
        "\n"
        "<!-- page: https://example.org/docs/reference/glossary/ -->\n"
        "\n"
        "# Glossary\n"
        "\n"
        "Workspace\n"
        ":   Where your notebooks live; see the [CLI](https://example.org/docs/reference/cli/index.md).\n"
    )


@pytest.mark.parametrize(("title", "slug"), [
    ("Getting started", "getting-started"),
    ("REST API", "rest-api"),
    ("SDK guides", "sdk-guides"),
    ("Best practices", "best-practices"),
    ("CLI", "cli"),
    ("Delta & MLflow: how-to", "delta-mlflow-how-to"),
    ("Données", "donnees"),
])
def test_section_slugs_are_lowercase_words_joined_by_hyphens(title, slug):
    assert section_slug(title) == slug


NAV = (
    "nav:\n"
    "  - Home: index.md\n"
    "  - REST API:\n"
    "      - api.md\n"
    '  - "Rest-API":\n'
    "      - rest.md\n"
    '  - "?!":\n'
    "      - x.md\n"
)


def test_section_file_names_come_from_the_nav_titles():
    assert section_file_names(["Getting started", "REST API"], "mkdocs.yml", NAV) == {
        "Getting started": "llms-getting-started.txt",
        "REST API": "llms-rest-api.txt",
    }


@pytest.mark.parametrize(("titles", "message"), [
    (["REST API", "Rest-API"], "mkdocs.yml:5: nav section 'Rest-API' would write llms-rest-api.txt, which nav section"
                               " 'REST API' already writes; rename one of them"),
    (["?!"], "mkdocs.yml:7: nav section '?!' has no letters or digits to name its llms-<section>.txt"),
    (["Full"], "mkdocs.yml:1: nav section 'Full' would write llms-full.txt, which llms-full.txt itself already"
               " writes; rename one of them"),
])
def test_a_section_that_cannot_be_named_is_an_error_at_its_nav_line(titles, message):
    with pytest.raises(DocError) as caught:
        section_file_names(titles, "mkdocs.yml", NAV)
    assert str(caught.value) == message


def test_llms_index_links_the_bundles_then_lists_pages_by_section_with_descriptions():
    entries = _entries()
    full = Bundle("llms-full.txt", "llms-full.txt", 4, llms_full(entries, site=FIXTURE_SITE))
    text = llms_index(entries, site=FIXTURE_SITE, details="More words.", full=full, bundles=_bundles(entries))
    assert text == (
        "# Fixture\n"
        "\n"
        "> A small site.\n"
        "\n"
        "More words.\n"
        "\n"
        "Every page's Markdown in one file: [llms-full.txt](https://example.org/docs/llms-full.txt)"
        " (4 pages, 86 lines).\n"
        "\n"
        "One section's pages in one file each, in navigation order:\n"
        "\n"
        "- [Guides](https://example.org/docs/llms-guides.txt): 1 page, 61 lines\n"
        "- [Reference](https://example.org/docs/llms-reference.txt): 2 pages, 33 lines\n"
        "\n"
        "## Overview\n"
        "\n"
        "- [Fixture home](https://example.org/docs/index.md): The home page of a small fixture site.\n"
        "\n"
        "## Guides\n"
        "\n"
        "- [The guide](https://example.org/docs/guide/page/index.md): A guide page with links, a directive and a"
        " code block.\n"
        "\n"
        "## Reference\n"
        "\n"
        "- [CLI reference](https://example.org/docs/reference/cli/index.md): Every CLI command: what it does.\n"
        "- [Glossary](https://example.org/docs/reference/glossary/index.md)\n"
    )


def test_llms_full_holds_every_page_in_order_under_its_url():
    text = llms_full(_entries(), site=FIXTURE_SITE)
    assert text.startswith(
        "---\n"
        "title: 'Fixture: every page'\n"
        "description: Every page of Fixture in one Markdown file, in navigation order, code blocks byte for byte.\n"
        "canonical: https://example.org/docs/llms-full.txt\n"
        + PROVENANCE +
        "---\n"
        + POINTER +
        "\n"
        "# Fixture\n\n> A small site.\n\n<!-- page: https://example.org/docs/ -->\n\n# Fixture home\n"
    )
    assert text.index("# Fixture home") < text.index("<!-- page: https://example.org/docs/guide/page/ -->")
    assert text.index("<!-- page: https://example.org/docs/guide/page/ -->") < text.index("# Guide\n")
    assert text.index("# Guide\n") < text.index("<!-- page: https://example.org/docs/reference/cli/ -->")
    assert "Read the [guide](https://example.org/docs/guide/page/index.md) first, then [its set-up section]" \
           "(https://example.org/docs/guide/page/index.md#set-up)." in text
