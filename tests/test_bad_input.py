"""Bad input gets a clear ``file:line: message`` and a non-zero exit: never a traceback, never a half-written file."""

from __future__ import annotations

from pathlib import Path

import pytest

BAD_PAGES = {
    "unclosed-fence.md": (b"# Title\n\n```python\nprint(1)\n", 3, "unclosed code fence ```python"),
    "bad-utf8.md": (b"# Title\n\nCaf\xe9 au lait\n", 3, "invalid UTF-8 (byte 0xe9 at offset 12)"),
    "bad-front-matter.md": (b"---\ntitle: [unclosed\n---\n# Title\n", 2, "malformed front matter"),
    "unclosed-front-matter.md": (b"---\ntitle: x\n# Title\n", 1, "front matter opened with --- is never closed"),
    "list-front-matter.md": (b"---\n- a\n- b\n---\n# Title\n", 1, "front matter must be a mapping"),
    "empty.md": (b"", 1, "empty file"),
    "unknown-directive.md": (b"# T\n\n<!-- verify: frobnicate -->\n```python\nx = 1\n```\n", 3,
                             "unknown verify directive 'frobnicate'"),
    "skip-without-reason.md": (b"# T\n\n<!-- verify: skip -->\n```python\nx = 1\n```\n", 3,
                               'verify skip needs reason="..."'),
    "detached-directive.md": (b"# T\n\n<!-- verify: run -->\n\nSome text.\n\n```python\nx = 1\n```\n", 3,
                              "verify directive must stand directly above a fenced code block"),
    "bad-option.md": (b"# T\n\n<!-- verify: run colour=red -->\n```python\nx = 1\n```\n", 3,
                      "verify run: unknown option 'colour'"),
}


def make_tree(tmp_path: Path, name: str, content: bytes | None) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n")
    target = docs / name
    if content is None:
        target.mkdir()
    else:
        target.write_bytes(content)
    (tmp_path / "mkdocs.yml").write_text(f"site_name: x\nnav:\n  - index.md\n  - {name}\n")
    return tmp_path


@pytest.mark.parametrize("module", ["scripts.links", "scripts.snippets", "scripts.verify"])
@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_bad_page_is_reported_with_file_and_line(run_cli, tmp_path, module, name):
    content, line, message = BAD_PAGES[name]
    root = make_tree(tmp_path, name, content)
    args = ["--root-files"] if module == "scripts.links" else []
    code, out, err = run_cli(module, *args, cwd=root)
    assert code == 2
    assert "Traceback" not in out + err
    assert f"docs/{name}:{line}: {message}" in err


@pytest.mark.parametrize("module", ["scripts.links", "scripts.snippets"])
def test_a_directory_named_like_a_page(run_cli, tmp_path, module):
    root = make_tree(tmp_path, "folder.md", None)
    args = ["--root-files"] if module == "scripts.links" else []
    code, out, err = run_cli(module, *args, cwd=root)
    assert code == 2
    assert "docs/folder.md:1: is a directory, expected a Markdown file" in err
    assert "Traceback" not in out + err


def test_missing_docs_folder(run_cli, tmp_path):
    code, _, err = run_cli("scripts.links", cwd=tmp_path)
    assert code == 2
    assert "docs:1: docs folder not found" in err


def test_malformed_mkdocs_yml(run_cli, tmp_path):
    root = make_tree(tmp_path, "page.md", b"# Page\n")
    (root / "mkdocs.yml").write_text("site_name: x\nnav: [index.md\n")
    code, out, err = run_cli("scripts.links", "--root-files", cwd=root)
    assert code == 2
    assert err.startswith("mkdocs.yml:3: malformed YAML")
    assert "Traceback" not in out + err
