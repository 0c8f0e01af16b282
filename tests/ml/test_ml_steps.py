"""The job's ML steps on small hand-made tables (fast): the propensity step's batches, gate,
published tables and model card; the anomaly step's one WARNING line per new anomaly."""

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb
from snowplow_dbt import anomalies
from snowplow_dbt.propensity import run as propensity
from snowplow_dbt.propensity.synthetic import synthetic_features_sql
from snowplow_dbt.propensity.warehouse import DuckDBWarehouse


def warehouse_with(users: int) -> DuckDBWarehouse:
    warehouse = DuckDBWarehouse(duckdb.connect(":memory:"))
    warehouse.execute(synthetic_features_sql(train=users, score=users))
    return warehouse


def test_a_model_that_beats_recency_is_scored_in_batches_and_published(tmp_path: Path) -> None:
    warehouse = warehouse_with(3_000)
    options = propensity.Options(batch_size=700)  # several batches of each cutoff
    details = propensity.run(warehouse, tmp_path, "run-1", options)
    assert details["published"] and details["scored_users"] == 3_000
    scores = warehouse.rows(
        "select decile, count(*) as users, min(score) as low, max(score) as high,"
        " count(distinct model_version) as versions from user_return_propensity"
        " group by decile order by decile"
    )
    assert [row["decile"] for row in scores] == list(range(1, 11))
    assert all(row["users"] == 300 and row["versions"] == 1 for row in scores)
    assert all(a["low"] >= b["high"] for a, b in pairwise(scores))
    deciles = warehouse.rows("select decile, users from user_return_deciles order by decile")
    assert [row["users"] for row in deciles] == [300] * 10
    assert not warehouse.exists(propensity.STAGING)
    card = json.loads((tmp_path / propensity.CARD).read_text())
    assert card["published"] and card["data"]["train_users"] == 3_000
    assert card["metrics"]["model"]["roc_auc"] > card["metrics"]["baseline"]["roc_auc"]
    assert 0.4 < card["metrics"]["shuffled_label_roc_auc"] < 0.6


def test_too_little_data_publishes_nothing_and_leaves_empty_tables(tmp_path: Path) -> None:
    warehouse = warehouse_with(50)
    details = propensity.run(warehouse, tmp_path, "run-1")
    assert not details["published"] and details["severity"] == "WARNING"
    assert details["kept"] == "no scores yet" and "fewer than" in str(details["reason"])
    for table in (propensity.SCORES, propensity.DECILES):
        assert warehouse.rows(f"select count(*) as n from {table}") == [{"n": 0}]
    assert json.loads((tmp_path / propensity.CARD).read_text())["published"] is False


def test_the_anomaly_step_logs_each_anomaly_its_build_flagged_first(tmp_path: Path) -> None:
    warehouse = DuckDBWarehouse(duckdb.connect(":memory:"))
    warehouse.execute(
        """
        create table metric_anomalies as select * from (values
            ('events', date '2026-11-12', 786.0, 1802.5, 900.0, 2700, -5.6, 'down', true, 'inv-2'),
            ('bounce_rate', date '2026-11-12', 0.44, 0.24, 0.1, 0.38, 8.0, 'up', true, 'inv-1'),
            ('sessions', date '2026-11-12', 100.0, 101.0, 50.0, 150.0, -0.1, null, false, null)
        ) as t(metric, activity_date, value, expected, lower_bound, upper_bound, score,
               direction, is_anomaly, first_flagged_run)
        """
    )
    results = tmp_path / "run_results.json"
    results.write_text(json.dumps({"metadata": {"invocation_id": "inv-2"}, "results": []}))
    lines: list[dict[str, Any]] = []

    def log(severity: str, message: str, **fields: Any) -> None:
        lines.append({"severity": severity, "message": message, **fields})

    assert anomalies.report(warehouse, results, "run-9", log) == {"new_anomalies": 1}
    (line,) = lines
    assert line["severity"] == "WARNING" and line["step"] == "anomalies"
    assert line["message"] == f"{anomalies.ANOMALY_MESSAGE}: events on 2026-11-12"
    assert line["direction"] == "down" and line["run_id"] == "run-9"
    # a build that left no run_results (it failed before) logs nothing
    assert anomalies.report(warehouse, tmp_path / "absent.json", "run-9", log) == {
        "new_anomalies": 0
    }
