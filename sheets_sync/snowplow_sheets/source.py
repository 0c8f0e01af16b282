"""Where the tables come from: the embedded DuckDB file or BigQuery, behind one interface.

Both answer two questions: how big is a model (rows, columns, longest text, so limits
are checked before anything is fetched) and what are its rows, in a stable order.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, Protocol

import duckdb
from google.cloud import bigquery

from snowplow_sheets.config import Environment, Tab
from snowplow_sheets.table import Shape, Table, cells

type Layer = Literal["marts", "analytics"]


class SourceError(RuntimeError):
    """A model is missing or cannot be read; the message names it."""


class Source(Protocol):
    """A warehouse the sync reads models from."""

    def shape(self, tab: Tab) -> Shape: ...

    def read(self, tab: Tab, max_chars: int | None, dates: bool = False) -> Table:
        """The rows in order; text cut to max_chars unless it is None (nothing too long);
        dates and times kept as such when `dates`, else ISO text."""
        ...

    def bigquery_table(self, tab: Tab) -> tuple[str, str, str] | None:
        """(project, dataset, table) when the model is a BigQuery table, else None."""
        ...


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _to_table(
    name: str,
    columns: list[str],
    rows: Iterable[Sequence[object]],
    max_chars: int | None,
    dates: bool,
) -> Table:
    table = Table(name, columns, [])
    for row in rows:
        converted, cut = cells(row, max_chars, dates)
        table.rows.append(converted)
        table.truncated_cells += cut
    return table


class DuckDBSource:
    """Models in schema `main` of the embedded DuckDB file, opened read-only per call."""

    def __init__(self, database: Path) -> None:
        if not database.is_file():
            raise SourceError(f"{database}: no DuckDB file; run `make demo` to build the models")
        self.database = database

    @contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            yield connection

    def _columns(self, connection: duckdb.DuckDBPyConnection, model: str) -> list[tuple[str, str]]:
        found = connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'main' and table_name = ? order by ordinal_position",
            [model],
        ).fetchall()
        if not found:
            raise SourceError(f"{self.database}: no table main.{model}; has dbt built it?")
        return [(str(name), str(kind)) for name, kind in found]

    def shape(self, tab: Tab) -> Shape:
        with self._connection() as connection:
            columns = self._columns(connection, tab.model)
            text = [name for name, kind in columns if kind == "VARCHAR"]
            measures = ", ".join(["count(*)", *(f"max(length({_quote(c)}))" for c in text)])
            found = connection.execute(f"select {measures} from main.{_quote(tab.model)}")
            counts = found.fetchone() or (0,)
        longest = {name: int(n or 0) for name, n in zip(text, counts[1:], strict=True)}
        return Shape(int(counts[0]), [name for name, _ in columns], longest)

    def read(self, tab: Tab, max_chars: int | None, dates: bool = False) -> Table:
        order = ", ".join(_quote(column) for column in tab.order_by)
        query = f"select * from main.{_quote(tab.model)}" + (f" order by {order}" if order else "")
        with self._connection() as connection:
            result = connection.execute(query)
            columns = [str(column[0]) for column in result.description or []]
            return _to_table(f"main.{tab.model}", columns, result.fetchall(), max_chars, dates)

    def bigquery_table(self, tab: Tab) -> None:
        return None


class BigQuerySource:
    """Models in the marts and analytics datasets, read with the caller's credentials."""

    def __init__(self, client: bigquery.Client, environment: Environment) -> None:
        self.client = client
        self.environment = environment

    def _table_id(self, tab: Tab) -> str:
        return f"{self.client.project}.{self.environment.dataset(tab.dataset)}.{tab.model}"

    def shape(self, tab: Tab) -> Shape:
        table = self.client.get_table(self._table_id(tab))
        text = [field.name for field in table.schema if field.field_type == "STRING"]
        longest: dict[str, int] = {}
        if text:
            measures = ", ".join(f"max(length(`{name}`)) as `{name}`" for name in text)
            row = next(iter(self.client.query(f"select {measures} from `{table}`").result()))
            longest = {name: int(row[name] or 0) for name in text}
        return Shape(int(table.num_rows or 0), [field.name for field in table.schema], longest)

    def read(self, tab: Tab, max_chars: int | None, dates: bool = False) -> Table:
        order = ", ".join(f"`{column}`" for column in tab.order_by)
        query = f"select * from `{self._table_id(tab)}`" + (f" order by {order}" if order else "")
        rows = self.client.query(query).result()
        columns = [field.name for field in rows.schema]
        values = (row.values() for row in rows)
        return _to_table(self._table_id(tab), columns, values, max_chars, dates)

    def bigquery_table(self, tab: Tab) -> tuple[str, str, str]:
        return self.client.project, self.environment.dataset(tab.dataset), tab.model
