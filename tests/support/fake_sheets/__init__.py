"""A local stand-in for the Google Sheets REST API, for tests and benchmarks.

Nothing real of Sheets runs offline, so this fake takes its place: it serves HTTP on
loopback, validates every request against the discovery document google-api-python-client
ships, keeps the spreadsheet's state, and injects 429/5xx answers on demand.
"""

from tests.support.fake_sheets.server import FakeSheets

__all__ = ["FakeSheets"]
