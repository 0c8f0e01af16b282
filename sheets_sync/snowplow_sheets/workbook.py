"""A local .xlsx workbook as a destination: the embedded default, no Google account needed.

The same tabs as the spreadsheet, each with the metadata row and the header (bold,
frozen, filterable), the same chart, and cells as people expect them: dates and
timestamps are real dates with a date format, numbers are numbers, text stays text
(`=1+1` in the data is not run as a formula), columns sized to what they hold.

The writer is rust_xlsxwriter through its Python binding (rvgsrust-xlsxwriter): each
row goes out as it is written (`constant_memory`), several times as fast as openpyxl's
write-only mode, which serialises every cell in Python (`make bench` measures both).
The binding's API follows XlsxWriter's, so moving back to XlsxWriter stays mechanical.
The file is moved over the old one in one rename, so a reader opens either the previous
workbook or the new one.
"""

import datetime as dt
import os
from pathlib import Path

from openpyxl import load_workbook
from rvgsrust_xlsxwriter import Chart as XlsxChart
from rvgsrust_xlsxwriter import ChartSeries, Format, Workbook, Worksheet

from snowplow_sheets.config import Chart, Tab
from snowplow_sheets.table import EXCEL_LIMITS, Table
from snowplow_sheets.writer import Run, metadata_row, run_id_of

# Excel number formats by what a column holds: ISO dates, whole numbers with thousands
NUMBER_FORMATS = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "time": "hh:mm:ss",
    "integer": "#,##0",
}
WIDTHS = {"date": 11, "datetime": 20, "time": 9, "integer": 10, "float": 12, "bool": 6}
SAMPLE = 200  # rows looked at to size a text column


def kind_of(table: Table, column: int) -> str:
    """What a column holds, from its first non-empty value (a warehouse column has one type)."""
    sample = next((row[column] for row in table.rows if row[column] is not None), None)
    match sample:
        case dt.datetime():
            return "datetime"
        case dt.date():
            return "date"
        case dt.time():
            return "time"
        case bool():
            return "bool"
        case int():
            return "integer"
        case float():
            return "float"
        case _:
            return "text"


def width(table: Table, column: int, name: str, kind: str) -> float:
    """Wide enough for the header and the values people see (a sample), within reason."""
    sample = (row[column] for row in table.rows[:SAMPLE])
    longest = max((len(str(value)) for value in sample if value is not None), default=0)
    return min(60.0, max(len(name), WIDTHS.get(kind, longest), 4) + 2.0)


def _range(title: str, column: int, first: int, last: int) -> str:
    """An absolute A1 range of one column, rows 1-based, on a quoted sheet title."""
    letters = ""
    number = column + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    quoted = "'" + title.replace("'", "''") + "'"
    return f"{quoted}!${letters}${first}:${letters}${last}"


def chart_of(title: str, chart: Chart, columns: list[str], rows: int) -> XlsxChart:
    """The y columns against x, over the tab's rows (below the metadata row and header)."""
    line = XlsxChart(chart.type)
    line.set_title_name(chart.title)
    line.set_x_axis_name(chart.x)
    line.set_y_axis_name(chart.y_title)
    x = columns.index(chart.x)
    for name in chart.y:
        series = ChartSeries()
        series.set_name(name)
        series.set_categories(_range(title, x, 3, rows + 2))
        series.set_values(_range(title, columns.index(name), 3, rows + 2))
        line.push_series(series)
    return line


class WorkbookWriter:
    """Writes every tab into a new workbook and replaces the file at the end of the run."""

    limits = EXCEL_LIMITS
    can_connect = False
    keeps_dates = True

    def __init__(self, path: Path, titles: list[str]) -> None:
        self.path = path
        self.temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        self.recorded = self._recorded_run(titles)
        self.book = Workbook()
        self.formats: dict[str, Format] = {}
        for name, pattern in NUMBER_FORMATS.items():
            self.formats[name] = self.book.add_format()
            self.formats[name].set_num_format(pattern)
        self.formats["header"] = self.book.add_format()
        self.formats["header"].set_bold()
        self.written = 0

    def _recorded_run(self, titles: list[str]) -> str | None:
        """The run id the file records, if every configured tab records that same one."""
        if not self.path.is_file():
            return None
        existing = load_workbook(self.path, read_only=True)
        try:
            ids = {
                run_id_of(list(next(existing[title].values, ())))
                if title in existing.sheetnames
                else None
                for title in titles
            }
        finally:
            existing.close()
        return ids.pop() if len(ids) == 1 else None

    def sheet_cells(self) -> dict[str, int]:
        return {}  # a workbook has no whole-file cell limit, only per-sheet rows and columns

    def run_id(self, tab: Tab) -> str | None:
        return self.recorded

    def write_values(self, tab: Tab, table: Table, run: Run, notes: list[str]) -> int:
        sheet: Worksheet = self.book.add_worksheet(tab.tab, constant_memory=True)
        for column, name in enumerate(table.columns):
            kind = kind_of(table, column)
            if kind in self.formats:
                sheet.set_column_format(column, self.formats[kind])
            sheet.set_column_width(column, width(table, column, name, kind))
        sheet.write_row(0, 0, metadata_row(run, table, notes))
        sheet.write_row(1, 0, table.columns, self.formats["header"])
        if tab.chart:  # placed before the rows: a streamed sheet is written top to bottom
            chart = chart_of(tab.tab, tab.chart, table.columns, len(table.rows))
            sheet.insert_chart(2, len(table.columns) + 1, chart)
        sheet.write_rows(2, 0, table.rows)
        sheet.freeze_panes(2, 0)
        if table.rows:
            sheet.autofilter(1, 0, len(table.rows) + 1, len(table.columns) - 1)
        self.written += 1
        return 0

    def connect(self, tab: Tab, table: tuple[str, str, str], run: Run) -> str:
        raise NotImplementedError("a workbook has no Connected Sheets; the sync writes values")

    def finish(self) -> str:
        if self.written:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self.book.close(str(self.temporary))
                os.replace(self.temporary, self.path)
            except BaseException:
                self.temporary.unlink(missing_ok=True)
                raise
        return str(self.path.resolve())
