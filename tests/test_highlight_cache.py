"""The highlight hook (scripts/hooks/highlight_cache.py) changes how fast code is highlighted, never the HTML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

MARKDOWN = '''\
```python
def greet(name: str) -> str:
    return f"hello {name}"  # a comment
```

```sql
SELECT id, count(*) AS n FROM main.default.events GROUP BY id
```

```bash
databricks clusters list --output json
```

```http
POST /api/2.2/jobs/run-now HTTP/1.1
Content-Type: application/json

{"job_id": 123}
```

```nosuchlanguage
kept as plain text
```

```
no language at all
```

Inline `#!python print("x")` too.
'''

# Renders the Markdown with the highlighting pymdownx does in the site, before the hook is installed, after,
# and once more (the second time from the cache): the three must be the same HTML.
SCRIPT = f'''
import importlib.util, json, sys
import markdown

source = sys.stdin.read()
def render():
    return markdown.markdown(source, extensions=["pymdownx.highlight", "pymdownx.superfences",
                                                 "pymdownx.inlinehilite"],
                             extension_configs={{"pymdownx.highlight": {{"pygments_lang_class": True}}}})
before = render()
spec = importlib.util.spec_from_file_location("hook", {str(ROOT / "scripts" / "hooks" / "highlight_cache.py")!r})
hook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hook)
hook.on_startup("build", False)
hook.on_pre_build(None)
after, again = render(), render()
shared = sorted(hook._lexer_classes)
print(json.dumps([before, after, again, len(hook._cache.entries), shared]))
'''


def test_highlighting_through_the_hook_writes_the_same_html(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-c", SCRIPT], input=MARKDOWN, capture_output=True, text=True,
                          cwd=tmp_path, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "C7_CACHE_DIR": str(tmp_path / "cache")})
    assert proc.returncode == 0, proc.stderr
    before, after, again, cached, lexers = json.loads(proc.stdout)
    assert '<span class="k">def</span>' in before and "language-sql" in before
    assert after == before
    assert again == before
    assert cached == 7  # six blocks and the inline snippet
    assert lexers == ["", "bash", "http", "nosuchlanguage", "python", "sql", "text"]


# Highlights into the cache, then rewrites the cache file as another Pygments release would have left it: every
# stored HTML replaced by a marker, under the header given on the command line.
POISON = """
import pickle, sys
from pathlib import Path
from scripts.cache import Cache
from scripts.hooks import highlight_cache as hook
import markdown

hook.on_startup("build", False)
hook.on_pre_build(None)
markdown.markdown("```python\\nx = 1\\n```", extensions=["pymdownx.highlight", "pymdownx.superfences"])
hook.on_post_build(None)
cache = Cache("highlight", hook.VERSIONS)
versions = tuple(sys.argv[1:]) or hook.VERSIONS
data = {"format": 1, "versions": versions, "entries": {k: "<p>STALE</p>" for k in cache.entries}}
cache.path.write_bytes(pickle.dumps(data))
"""
RENDER = """
from scripts.hooks import highlight_cache as hook
import markdown

hook.on_startup("build", False)
hook.on_pre_build(None)
print(markdown.markdown("```python\\nx = 1\\n```", extensions=["pymdownx.highlight", "pymdownx.superfences"]))
"""


def _highlighted_after(tmp_path: Path, *stored_versions: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "C7_CACHE_DIR": str(tmp_path / "cache")}
    poison = subprocess.run([sys.executable, "-c", POISON, *stored_versions], capture_output=True, text=True,
                            env=env, timeout=120)
    assert poison.returncode == 0, poison.stderr
    render = subprocess.run([sys.executable, "-c", RENDER], capture_output=True, text=True, env=env, timeout=120)
    assert render.returncode == 0, render.stderr
    return render.stdout


def test_html_stored_under_another_pygments_release_is_never_served(tmp_path: Path):
    assert "STALE" in _highlighted_after(tmp_path / "same")  # same versions: the stored HTML is served
    fresh = _highlighted_after(tmp_path / "upgraded", "pygments==2.0.0", "pymdown-extensions==9.0", "markdown==3.0")
    assert "STALE" not in fresh and '<span class="n">x</span>' in fresh
