# Notebook globals for type checking documentation examples (scripts/verify/python_static.py).
#
# basedpyright merges a `__builtins__.pyi` found at the root of the checked folder into the builtins
# scope, so examples can use what a Databricks notebook predefines without importing it. Every
# other name must be imported by the example itself.

from databricks.sdk.runtime import display as display, displayHTML as displayHTML
from databricks.sdk.runtime.dbutils_stub import dbutils as _SdkNotebookDbUtils
from pyspark.sql import SparkSession

class _NotebookDbUtils(_SdkNotebookDbUtils):
    """The notebook `dbutils`: the SDK's own typed stub of it, with one signature corrected.

    databricks.sdk.runtime types `dbutils` as `Union[dbutils_stub.dbutils, RemoteDbUtils]`. The
    RemoteDbUtils half is an untyped proxy whose `__call__` takes no arguments, so every call such
    as `dbutils.notebook.exit("done")` fails with "Expected 0 positional arguments". Examples run
    in a notebook, where `dbutils` is what `dbutils_stub.dbutils` describes, so only that is used.
    """

    class secrets(_SdkNotebookDbUtils.secrets):
        # The SDK stub declares this static method with a stray `self` parameter.
        @staticmethod
        def getBytes(scope: str, key: str) -> bytes: ...

spark: SparkSession
dbutils: _NotebookDbUtils
