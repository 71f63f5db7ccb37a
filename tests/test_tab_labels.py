"""Content-tab labels are kept apart in the search index by a hidden separator inside each label but the last."""

from __future__ import annotations

import json

from scripts.hooks.tab_labels import separate_labels

TABS = ('<div class="tabbed-labels"><label for="__tabbed_1_1">REST API</label><label for="__tabbed_1_2">Python '
        'SDK</label><label for="__tabbed_1_3">CLI</label></div>')


def test_every_label_but_the_last_gets_a_hidden_separator():
    assert separate_labels(TABS) == (
        '<div class="tabbed-labels"><label for="__tabbed_1_1">REST API<span hidden> · </span></label>'
        '<label for="__tabbed_1_2">Python SDK<span hidden> · </span></label><label for="__tabbed_1_3">CLI</label></div>'
    )


def test_a_single_label_and_other_labels_are_left_alone():
    one = '<div class="tabbed-labels"><label for="__tabbed_2_1">SQL</label></div>'
    form = '<label for="x">Name</label><label for="y">Mail</label>'
    assert separate_labels(one) == one
    assert separate_labels(form) == form


def test_the_built_search_index_reads_tab_labels_apart(built_site):
    proc, out = built_site
    assert proc.returncode == 0, proc.stderr
    docs = json.loads((out / "search" / "search_index.json").read_text())["docs"]
    text = " ".join(d["text"] for d in docs)
    assert "Python SDKCLI" not in text and "REST APIPython" not in text
    assert "REST API · Python SDK · CLI" in text
