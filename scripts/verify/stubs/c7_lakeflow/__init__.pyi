"""Typed stub of ``pyspark.pipelines`` as a Databricks runtime exposes it (``from pyspark import pipelines as dp``).

scripts/verify/python_static.py points every import of ``pyspark.pipelines`` in an example at this module,
so Lakeflow Spark Declarative Pipelines code is type-checked against what it runs on: the Apache Spark
pipelines API together with what the Databricks runtime adds to it (the AUTO CDC flows, the expectation
decorators, ForEachBatch sinks, and keywords such as ``path``, ``cluster_by_auto``, ``row_filter``, ``private``
and ``once``). The runtime's own module is not published as a package, so these signatures are written by
hand from the Databricks Python reference:

- https://docs.databricks.com/aws/en/ldp/developer/python-ref (the module and its list of functions)
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-append-flow
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-apply-changes (create_auto_cdc_flow)
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-apply-changes-from-snapshot
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-sink (create_sink)
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-foreach-batch-sink
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-streaming-table
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-table
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-materialized-view
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-view (temporary_view)
- https://docs.databricks.com/aws/en/ldp/developer/ldp-python-ref-expectations
  (the same pages live under https://learn.microsoft.com/azure/databricks/ldp/developer/)

Cross-checked against the code that implements these names: ``pyspark/pipelines/api.py`` of the
databricks-connect 19.3.0 wheel (the Databricks flavour of the Apache Spark module), ``dlt/api.py`` of the
databricks-dlt 0.3.0 wheel (the runtime's older ``dlt`` module, whose ``apply_changes`` and
``apply_changes_from_snapshot`` the AUTO CDC functions replace) and the Apache Spark
``pyspark.pipelines`` reference (https://spark.apache.org/docs/latest/api/python/reference/pyspark.pipelines.html).

Where those sources differ, the reference wins; the comments below say where and why. Anything the reference
does not list is left out on purpose, so that a misspelled or invented keyword is reported.
"""

from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, overload

from pyspark.sql import Column, DataFrame
from pyspark.sql.types import StructType

# A query function: no arguments, returns the dataset's DataFrame (streaming or batch). The runtime's
# decorators hand the function back, so expectations and a dataset decorator stack in any order.
_Query = TypeVar("_Query", bound=Callable[[], DataFrame])
_Decorator = Callable[[_Query], _Query]

# ``keys``, ``column_list`` and the other column lists: column names, or ``col()`` columns without qualifiers.
_Columns = list[str] | list[Column]
# An SCD type: 1 or 2, as an int or a string (the reference types it "str or int").
_ScdType = Literal[1, 2, "1", "2"]
# An expectation's constraint: a SQL boolean expression, or a Column.
_Constraint = str | Column

# --- Datasets ---------------------------------------------------------------------------------------------

@overload
def table(query_function: _Query, /) -> _Query: ...
@overload
def table(
    *,
    name: str | None = None,
    comment: str | None = None,
    spark_conf: Mapping[str, str] | None = None,
    table_properties: Mapping[str, str] | None = None,
    path: str | None = None,
    partition_cols: list[str] | None = None,
    cluster_by_auto: bool = False,
    cluster_by: list[str] | None = None,
    schema: str | StructType | None = None,
    row_filter: str | None = None,
    private: bool = False,
) -> _Decorator[_Query]: ...
@overload
def materialized_view(query_function: _Query, /) -> _Query: ...
@overload
def materialized_view(
    *,
    name: str | None = None,
    comment: str | None = None,
    spark_conf: Mapping[str, str] | None = None,
    table_properties: Mapping[str, str] | None = None,
    path: str | None = None,
    partition_cols: list[str] | None = None,
    cluster_by_auto: bool = False,
    cluster_by: list[str] | None = None,
    schema: str | StructType | None = None,
    # The values are those the 19.3 Databricks flavour accepts; the reference shows the keyword only.
    refresh_policy: Literal["auto", "incremental", "incremental_strict", "full"] | None = None,
    row_filter: str | None = None,
    private: bool = False,
    # Only for a materialized view defined outside a pipeline (serverless notebook): refresh from scratch.
    full_refresh: bool = False,
) -> _Decorator[_Query]: ...
@overload
def temporary_view(query_function: _Query, /) -> _Query: ...
@overload
def temporary_view(
    *,
    name: str | None = None,
    comment: str | None = None,
    # Not in the Databricks reference; both the Apache Spark API and the runtime's ``dlt.view`` take it.
    spark_conf: Mapping[str, str] | None = None,
) -> _Decorator[_Query]: ...
def create_streaming_table(
    name: str,
    *,
    comment: str | None = None,
    spark_conf: Mapping[str, str] | None = None,
    table_properties: Mapping[str, str] | None = None,
    path: str | None = None,
    partition_cols: list[str] | None = None,
    cluster_by_auto: bool = False,
    cluster_by: list[str] | None = None,
    schema: str | StructType | None = None,
    expect_all: Mapping[str, _Constraint] | None = None,
    expect_all_or_drop: Mapping[str, _Constraint] | None = None,
    expect_all_or_fail: Mapping[str, _Constraint] | None = None,
    row_filter: str | None = None,
) -> None: ...

# --- Flows ------------------------------------------------------------------------------------------------

def append_flow(
    *,
    target: str,
    name: str | None = None,
    # True: a one-time flow such as a backfill; the query then returns a batch DataFrame.
    once: bool = False,
    spark_conf: Mapping[str, str] | None = None,
    comment: str | None = None,
) -> _Decorator[_Query]: ...
def create_auto_cdc_flow(
    target: str,
    source: str,
    keys: _Columns,
    sequence_by: str | Column,
    *,
    ignore_null_updates: bool = False,
    apply_as_deletes: str | Column | None = None,
    apply_as_truncates: str | Column | None = None,
    column_list: _Columns | None = None,
    except_column_list: _Columns | None = None,
    stored_as_scd_type: _ScdType = "1",
    track_history_column_list: _Columns | None = None,
    track_history_except_column_list: _Columns | None = None,
    name: str | None = None,
    once: bool = False,
    # The four below appear in the reference's newest syntax block (and, all but the first, in
    # ``dlt.apply_changes`` of databricks-dlt 0.3.0).
    system_sequence_by: str | Column | None = None,
    ignore_null_updates_column_list: _Columns | None = None,
    ignore_null_updates_except_column_list: _Columns | None = None,
    columns_to_update: str | Column | None = None,
) -> None: ...
def create_auto_cdc_from_snapshot_flow(
    target: str,
    # A table or view name to snapshot each update, or a function that takes the latest processed
    # snapshot version (None the first time) and returns the next (snapshot DataFrame, version), or None
    # when there is nothing left to process.
    source: str | Callable[[Any], tuple[DataFrame, Any] | None],
    keys: _Columns,
    *,
    stored_as_scd_type: _ScdType = "1",
    track_history_column_list: _Columns | None = None,
    track_history_except_column_list: _Columns | None = None,
    once: bool = False,
) -> None: ...

# --- Sinks ------------------------------------------------------------------------------------------------

def create_sink(name: str, format: str, options: Mapping[str, str] | None = None) -> None: ...
def foreach_batch_sink(
    *, name: str | None = None
) -> Callable[[Callable[[DataFrame, int], None]], Callable[[DataFrame, int], None]]: ...

# --- Expectations -----------------------------------------------------------------------------------------
# The reference calls the two arguments ``description`` and ``constraint``; the runtime's ``dlt`` module names
# them ``name`` and ``inv``. Only positional use works on both, so the parameters are positional-only.

def expect(description: str, constraint: _Constraint, /) -> _Decorator[_Query]: ...
def expect_or_drop(description: str, constraint: _Constraint, /) -> _Decorator[_Query]: ...
def expect_or_fail(description: str, constraint: _Constraint, /) -> _Decorator[_Query]: ...
def expect_all(expectations: Mapping[str, _Constraint], /) -> _Decorator[_Query]: ...
def expect_all_or_drop(expectations: Mapping[str, _Constraint], /) -> _Decorator[_Query]: ...
def expect_all_or_fail(expectations: Mapping[str, _Constraint], /) -> _Decorator[_Query]: ...
