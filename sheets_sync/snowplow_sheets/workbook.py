"""A local .xlsx workbook as a destination: the embedded default, no Google account needed.

The same tabs as the spreadsheet, each with the metadata row and the header, and the
same line chart. The workbook is built in memory and moved over the old file in one
rename, so a reader opens either the previous workbook or the new one.
"""

import os
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Worksheet

from snowplow_sheets.config import Chart, Tab
from snowplow_sheets.table import EXCEL_LIMITS, Table
from snowplow_sheets.writer import Run, metadata_row, run_id_of


def _line_chart(sheet: Worksheet, chart: Chart, columns: list[str], rows: int) -> LineChart:
    line = LineChart()
    line.title = chart.title
    line.x_axis.title = chart.x
    line.y_axis.title = chart.y_title
    last_row = rows + 2  # metadata row, header, rows
    for name in chart.y:
        index = columns.index(name) + 1
        line.add_data(
            Reference(sheet, min_col=index, min_row=2, max_col=index, max_row=last_row),
            titles_from_data=True,
        )
    x = columns.index(chart.x) + 1
    line.set_categories(Reference(sheet, min_col=x, min_row=3, max_col=x, max_row=last_row))
    return line


class WorkbookWriter:
    """Writes every tab into a new workbook and replaces the file at the end of the run."""

    limits = EXCEL_LIMITS
    can_connect = False

    def __init__(self, path: Path, titles: list[str]) -> None:
        self.path = path
        self.book = Workbook(write_only=True)
        self.written = 0
        self.recorded = self._recorded_run(titles)

    def _recorded_run(self, titles: list[str]) -> str | None:
        """The run id the file records, if every configured tab records that same one."""
        if not self.path.is_file():
            return None
        existing = load_workbook(self.path, read_only=True)
        try:
            ids = {
                run_id_of(next(existing[title].values, ()))  # type: ignore[arg-type]
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
        sheet = self.book.create_sheet(tab.tab)
        sheet.append(metadata_row(run, table, notes))
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append(row)
        if tab.chart:
            sheet.add_chart(
                _line_chart(sheet, tab.chart, table.columns, len(table.rows)),
                f"{get_column_letter(len(table.columns) + 2)}3",
            )
        self.written += 1
        return 0

    def connect(self, tab: Tab, table: tuple[str, str, str], run: Run) -> str:
        raise NotImplementedError("a workbook has no Connected Sheets; the sync writes values")

    def finish(self) -> str:
        if self.written:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            try:
                self.book.save(temporary)
                os.replace(temporary, self.path)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        return str(self.path.resolve())
