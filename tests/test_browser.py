"""The reader's experience in a real browser: Debian's Chromium driven by Playwright against the built site."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from scripts.docmodel import load_docs
from scripts.siteconfig import load_config, nav_pages
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"


def page_url(base: str, rel: str) -> str:
    path = rel.removesuffix(".md")
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    return base + path


@pytest.fixture
def context(browser, site_url):
    ctx = browser.new_context(base_url=site_url, viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.split("/c7-databricks")[0])
    yield ctx
    ctx.close()


def watch(page):
    """Record console errors, failed requests, error responses and every requested URL."""
    seen = {"errors": [], "failed": [], "bad": [], "urls": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: seen["failed"].append(f"{r.url} {r.failure}"))
    page.on("response", lambda r: seen["bad"].append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda r: seen["urls"].append(r.url))
    return seen


def test_every_nav_page_loads_cleanly_and_stays_on_localhost(context, site_url):
    pages = nav_pages(load_config(ROOT / "mkdocs.yml"))
    page = context.new_page()
    seen = watch(page)
    for rel in pages:
        response = page.goto(page_url(site_url, rel), wait_until="networkidle")
        assert response is not None and response.status == 200, rel
        assert page.title().strip(), rel
    assert seen["errors"] == []
    assert seen["failed"] == []
    assert seen["bad"] == []
    hosts = {urlsplit(u).hostname for u in seen["urls"] if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}


def test_search_index_loads_only_when_search_is_opened(context, site_url):
    page = context.new_page()
    seen = watch(page)
    page.goto(site_url, wait_until="load")
    page.wait_for_timeout(500)
    assert not [u for u in seen["urls"] if u.endswith("search_index.json")]
    page.locator("input[data-md-component=search-query]").click()
    page.wait_for_timeout(1000)
    assert [u for u in seen["urls"] if u.endswith("search_index.json")]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("MERGE INTO", ("sdk/delta-lake/", "examples/sql/")),
        ("run-now", ("api/jobs/",)),
        ("secret scope", ("api/secrets/",)),
    ],
)
def test_search_finds_the_right_pages(context, site_url, query, expected):
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    box = page.locator("input[data-md-component=search-query]")
    box.click()
    box.fill(query)
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    links = page.locator(".md-search-result__link").evaluate_all("els => els.map(e => e.href)")
    assert any(any(e in href for e in expected) for href in links), links


def _first_block(language: str):
    """(page, block): the first example of a language that is not inside a content tab."""
    return next((p.rel, b) for p in load_docs(ROOT / "docs").pages for b in p.blocks
                if b.is_example and b.in_tab is None and b.language == language)


@pytest.mark.parametrize("language", ["python", "http", "sql", "shell", "json"])
def test_copy_button_copies_exactly_the_code(context, site_url, language):
    rel, block = _first_block(language)
    page = context.new_page()
    page.goto(page_url(site_url, rel), wait_until="load")
    blocks = page.locator("div.highlight")
    texts = blocks.evaluate_all("els => els.map(e => e.querySelector('code').textContent)")
    index = next(i for i, text in enumerate(texts) if text.strip() == block.code.strip())
    chosen = blocks.nth(index)
    chosen.hover()
    chosen.locator("button[data-md-type=copy], button.md-clipboard").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.rstrip("\n") == block.code.rstrip("\n")


def _page_with_linked_tabs() -> tuple[str, str]:
    for page in load_docs(ROOT / "docs").pages:
        labels = [b.in_tab for b in page.blocks if b.in_tab]
        for label in ("CLI", "REST API", "Python SDK"):
            if labels.count(label) >= 2 and len({b.in_tab for b in page.blocks if b.in_tab}) >= 2:
                return page.rel, label
    pytest.fail("no page has two tab sets sharing a label")


def test_content_tabs_switch_together(context, site_url):
    rel, label = _page_with_linked_tabs()
    page = context.new_page()
    page.goto(page_url(site_url, rel), wait_until="load")
    page.locator(".tabbed-labels > label").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).nth(1).click()
    page.wait_for_timeout(300)
    states = page.evaluate(
        """label => [...document.querySelectorAll('.tabbed-set')].filter(set =>
             [...set.querySelectorAll('.tabbed-labels label')].some(l => l.innerText.trim() === label)
           ).map(set => {
             const labels = [...set.querySelectorAll('.tabbed-labels label')];
             const inputs = [...set.querySelectorAll(':scope > input')];
             const i = inputs.findIndex(inp => inp.checked);
             return labels[i] ? labels[i].innerText.trim() : null;
           })""",
        label,
    )
    assert len(states) >= 2
    assert set(states) == {label}


def test_dark_mode_persists_across_navigation(context, site_url):
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    for _ in range(3):
        if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate":
            break
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_timeout(200)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    page.goto(page_url(site_url, "api/jobs.md"), wait_until="load")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"


def test_404_page(context, site_url):
    page = context.new_page()
    response = page.goto(site_url + "no/such/page/", wait_until="load")
    assert response is not None and response.status == 404
    assert "Page not found" in page.content()


def _settled_top(page, anchor: str) -> float:
    """The heading's distance from the viewport top once scrolling has stopped (same value twice, 100 ms apart)."""
    script = f"document.getElementById({anchor!r}).getBoundingClientRect().top"
    last = page.evaluate(script)
    for _ in range(30):
        page.wait_for_timeout(100)
        now = page.evaluate(script)
        if now == last:
            return now
        last = now
    return last


@pytest.mark.parametrize("rel", ["api/jobs.md", "examples/sql.md"])
def test_toc_links_scroll_to_their_headings(context, site_url, rel):
    """Every third entry of the table of contents, and the last, brings its heading to just below the header
    (or into view, when the page ends before the heading can reach the top)."""
    page = context.new_page()
    page.goto(page_url(site_url, rel), wait_until="load")
    links = page.locator(".md-sidebar--secondary a.md-nav__link")
    count = links.count()
    assert count >= 10
    for index in [*range(1, count, 3), count - 1]:
        link = links.nth(index)
        href = link.get_attribute("href") or ""
        anchor = href.split("#", 1)[1]
        link.click()
        top = _settled_top(page, anchor)
        assert page.evaluate("location.hash") == f"#{anchor}"
        at_bottom = page.evaluate("Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight")
        # a heading near the end of the page stops where the page ends, below the top but in view
        in_view = 0 <= top < (page.evaluate("innerHeight") if at_bottom else 120)
        assert in_view, f"{rel}#{anchor}: heading at {top}px after its TOC link was clicked"
    page.close()


def test_deep_link_opens_at_its_heading(context, site_url):
    page = context.new_page()
    page.goto(page_url(site_url, "examples/sql.md") + "#subtotals-and-a-grand-total-with-rollup", wait_until="load")
    top = _settled_top(page, "subtotals-and-a-grand-total-with-rollup")
    assert 0 <= top < 120
    page.close()


SITE_URL = load_config(ROOT / "mkdocs.yml")["site_url"]
ASSISTANTS = {"Open in ChatGPT": "https://chatgpt.com/?q=", "Open in Claude": "https://claude.ai/new?q="}


def _markdown_copy(built_site, rel: str) -> str:
    """The exact text of a page's Markdown copy in the built site (index.md next to its index.html)."""
    _, site = built_site
    path = page_url("", rel)
    return (site / path / "index.md").read_bytes().decode("utf-8")


def _copy_page(page) -> str:
    """Press the page's "Copy page" button and return what the clipboard then holds."""
    button = page.get_by_role("button", name="Copy page")
    button.click()
    page.get_by_role("button", name="Copied").wait_for(timeout=5000)
    return page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize("rel", ["index.md", "api/jobs.md"])
def test_page_actions_copy_the_markdown_and_link_the_assistants(context, site_url, built_site, rel):
    page = context.new_page()
    seen = watch(page)
    page.goto(page_url(site_url, rel), wait_until="networkidle")
    actions = page.get_by_role("navigation", name="Page actions")
    assert actions.get_by_role("button", name="Copy page").is_visible()
    md_url = page_url(SITE_URL, rel) + "index.md"
    for name, start in ASSISTANTS.items():
        link = actions.get_by_role("link", name=name)
        assert link.is_visible()
        href = link.get_attribute("href") or ""
        assert href.startswith(start), href
        assert quote(md_url, safe="") in href, href
        assert parse_qs(urlsplit(href).query)["q"] == [f"Read {md_url} and answer questions about it."]
    # The links only navigate when followed: nothing is asked of the assistants at load.
    hosts = {urlsplit(u).hostname for u in seen["urls"]}
    assert not hosts & {"chatgpt.com", "claude.ai"}, hosts
    assert _copy_page(page) == _markdown_copy(built_site, rel)
    assert seen["errors"] == []
    page.close()


def test_copy_page_after_instant_navigation_by_keyboard(context, site_url, built_site):
    """With navigation.instant the content is swapped without a page load: the new page's button shows, works
    from the keyboard and copies the new page's Markdown."""
    page = context.new_page()
    # The theme takes over only links listed in sitemap.xml, matched on the page's protocol and host name but
    # the sitemap's port (site_url's, none): serve the sitemap as a deployment on this host and port would.
    _, site = built_site
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    sitemap = sitemap.replace("{0.scheme}://{0.netloc}".format(urlsplit(SITE_URL)), origin)
    page.route("**/sitemap.xml", lambda route: route.fulfill(body=sitemap, content_type="application/xml"))
    page.goto(site_url, wait_until="networkidle")  # the theme reads sitemap.xml before it takes over links
    page.evaluate("window.c7SamePage = true")
    page.locator("article a[href$='/getting-started/quickstart/']").first.click()
    page.wait_for_url("**/getting-started/quickstart/")
    page.get_by_role("heading", level=1).filter(has_text="Quickstart").wait_for()
    assert page.evaluate("window.c7SamePage === true"), "a full page load, not instant navigation"
    button = page.get_by_role("button", name="Copy page")
    button.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Copied").wait_for(timeout=5000)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == _markdown_copy(built_site, "getting-started/quickstart.md")
    page.close()


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("rel", ["index.md", "api/clusters.md"])
def test_screenshots(browser, site_url, rel, scheme):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900},
                              color_scheme="dark" if scheme == "slate" else "light")
    page = ctx.new_page()
    page.goto(page_url(site_url, rel), wait_until="load")
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^a-z0-9]+", "-", rel.removesuffix(".md")) + f"-{scheme}.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=False)
    ctx.close()
    assert (ARTIFACTS / name).stat().st_size > 10_000
