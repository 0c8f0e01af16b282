"""Marts to Google Sheets, or to a local workbook in embedded mode."""
