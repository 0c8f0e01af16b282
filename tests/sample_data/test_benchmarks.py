"""The benchmarks page renders exactly the recorded figures, one table per measurement."""

from datetime import UTC, datetime

from snowplow_sample.benchmarks import Figure, render


def test_one_table_per_measurement_with_targets_and_verdicts() -> None:
    figures = [
        Figure("loader", "make bench", "rows/s", "80,000"),
        Figure("loader", "make bench", "loader / read_csv", "1.04x", ">= 0.8x", met=True),
        Figure("dbt", "python transform/bench.py", "daily / full", "28 %", "<= 15 %", met=False),
    ]
    page = render(figures, datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    assert page.count("\n## ") == 2
    assert "2026-12-04 12:00 UTC" in page
    assert "| loader / read_csv | 1.04x | >= 0.8x ✓ |" in page
    assert "| daily / full | 28 % | <= 15 % ✗ |" in page
    assert "| rows/s | 80,000 |  |" in page


def test_a_bench_run_again_replaces_its_tables_figures_in_place() -> None:
    first, again = "2026-12-04 10:00:00 UTC", "2026-12-04 11:00:00 UTC"
    figures = [
        Figure("loader", "bench_loader.py", "rows/s", "80,000", run=first),
        Figure("dbt", "bench.py", "daily / full", "9 %", run=first),
        Figure("loader", "bench_loader.py", "rows/s", "90,000", run=again),
    ]
    page = render(figures, datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    assert "80,000" not in page and "| rows/s | 90,000 |  |" in page
    assert page.index("## loader") < page.index("## dbt")  # where it stood
    assert f"`bench_loader.py` (run {again})" in page and f"`bench.py` (run {first})" in page
