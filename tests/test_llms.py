"""llms.txt, llms-full.txt and the per-page Markdown copies, written from the sources (scripts/llms.py)."""

from __future__ import annotations

from scripts.docmodel import load_docs
from scripts.llms import Entry, llms_full, llms_index, page_markdown
from tests.conftest import FIXTURES

SITE = "https://example.org/docs/"
DOCS = FIXTURES / "llms" / "docs"


def _entries() -> list[Entry]:
    pages = {p.rel: p for p in load_docs(DOCS).pages}
    return [Entry(pages["index.md"], "", ""), Entry(pages["guide/page.md"], "Guides", "guide/page/")]


def _md_paths(entries: list[Entry]) -> dict[str, str]:
    return {e.page.rel: e.md_path for e in entries}


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


def test_llms_index_lists_pages_by_section_with_descriptions():
    text = llms_index(_entries(), site_name="Fixture", summary="A  small\nsite.", details="More words.",
                      site_url=SITE)
    assert text == (
        "# Fixture\n"
        "\n"
        "> A small site.\n"
        "\n"
        "More words.\n"
        "\n"
        "## Overview\n"
        "\n"
        "- [Fixture home](https://example.org/docs/index.md): The home page of a small fixture site.\n"
        "\n"
        "## Guides\n"
        "\n"
        "- [The guide](https://example.org/docs/guide/page/index.md): A guide page with links, a directive and a"
        " code block.\n"
    )


def test_llms_full_holds_every_page_in_order_under_its_url():
    text = llms_full(_entries(), site_name="Fixture", summary="A small site.", site_url=SITE)
    assert text.startswith(
        "# Fixture\n\n> A small site.\n\n<!-- page: https://example.org/docs/ -->\n\n# Fixture home\n"
    )
    assert text.index("# Fixture home") < text.index("<!-- page: https://example.org/docs/guide/page/ -->")
    assert text.index("<!-- page: https://example.org/docs/guide/page/ -->") < text.index("# Guide\n")
    assert "Read the [guide](https://example.org/docs/guide/page/index.md) first, then [its set-up section]" \
           "(https://example.org/docs/guide/page/index.md#set-up)." in text
