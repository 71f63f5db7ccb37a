"""A real page with wrong blocks planted at its end: each one is reported at its own line, by the oracle that
owns the problem (the examples a reader on serverless compute would trip over)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.pyright, pytest.mark.spark]  # the static run type-checks and parses the page's SQL

PLANTED = '''

## Planted

```python
numbers = spark.sparkContext.parallelize([1, 2, 3])
```

```python
rows = spark.range(3).rdd.collect()
```

```python
events = spark.readStream.table("main.iot.events")
query = events.writeStream.trigger(processingTime="1 minute").toTable("main.iot.copy")
```

```python
from databricks.sdk.service.serving import AutoCaptureConfigInput

config = AutoCaptureConfigInput(catalog_name="main", schema_name="serving")
```

<!-- verify: run session=planted -->
```python
orders = spark.read.table("main.sales.orders")
```

<!-- verify: run session=planted -->
```python
print(orders.count())
```
'''


def test_each_planted_block_is_reported_at_its_line(run_cli, tmp_path):
    page = tmp_path / "docs" / "sdk" / "python.md"
    page.parent.mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "sdk" / "python.md", page)
    original = page.read_text()
    page.write_text(original + PLANTED)
    first = original.count("\n") + 1  # the line of the page's end, where PLANTED starts

    def line_of(text: str) -> int:
        return first + PLANTED[: PLANTED.index(text)].count("\n")

    code, out, _ = run_cli("scripts.verify", "--static", "--quiet", str(page), timeout=600)
    found = {(int(m.group(1)), m.group(2)) for m in re.finditer(rf"^{re.escape(str(page))}:(\d+): \[([\w-]+)\]",
                                                                  out, re.MULTILINE)}
    assert code == 1
    assert found == {
        (line_of("numbers = spark"), "compute"),
        (line_of("rows = spark"), "compute"),
        (line_of("query = events"), "compute"),
        (line_of("from databricks.sdk.service.serving"), "deprecated"),
        (line_of("print(orders"), "python-static"),
    }
