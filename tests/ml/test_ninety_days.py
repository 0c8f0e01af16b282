"""Anomalies and return propensity on 90 days of the generator's traffic (issue 26):
the world of tests/ml/conftest.py, then the job's propensity step on it."""

import json

import duckdb
import pytest
from snowplow_dbt.propensity import run as propensity
from snowplow_dbt.propensity.warehouse import DuckDBWarehouse

from tests.ml.conftest import INCIDENTS, SIGNATURES, World

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("ninety-days")]


def test_each_incident_is_flagged_on_its_day_and_normal_days_stay_quiet(world: World) -> None:
    with duckdb.connect(str(world.database), read_only=True) as connection:
        flagged = connection.execute(
            "select metric, activity_date from metric_anomalies where is_anomaly"
        ).fetchall()
        scored_days = connection.execute(
            "select count(distinct activity_date) from metric_anomalies where history_weeks >= 4"
        ).fetchone()
    assert scored_days is not None and scored_days[0] >= 55  # days 29..90 have history
    incident_days = set(INCIDENTS.days().values())
    for kind, day in INCIDENTS.days().items():
        assert (SIGNATURES[kind], day) in flagged, f"{kind} on {day} not flagged"
    false_alarms: dict[str, int] = {}
    for metric, day in flagged:
        if day not in incident_days:
            false_alarms[metric] = false_alarms.get(metric, 0) + 1
    assert all(count <= 1 for count in false_alarms.values()), false_alarms


def test_propensity_beats_recency_and_shuffled_labels_do_not(world: World) -> None:
    warehouse = DuckDBWarehouse.open(world.database)
    try:
        details = propensity.run(warehouse, world.work / "artifacts", "first")
        deciles = warehouse.rows(
            "select decile, count(*) as users, avg(score) as score"
            " from user_return_propensity group by decile order by decile"
        )
    finally:
        warehouse.close()
    card = json.loads((world.work / "artifacts" / propensity.CARD).read_text())
    model, baseline = card["metrics"]["model"], card["metrics"]["baseline"]
    assert details["published"] and card["published"]
    assert model["roc_auc"] - baseline["roc_auc"] >= 0.05, card["metrics"]
    assert 0.45 <= card["metrics"]["shuffled_label_roc_auc"] <= 0.55
    assert card["data"]["eval_users"] > 1000 and card["data"]["scored_users"] > 1000
    assert [row["decile"] for row in deciles] == list(range(1, 11))
    scores = [row["score"] for row in deciles]
    assert scores == sorted(scores, reverse=True)  # decile 1 holds the likeliest to return


def test_a_model_that_does_not_beat_the_baseline_is_not_published(world: World) -> None:
    warehouse = DuckDBWarehouse.open(world.database)
    try:
        before = warehouse.rows("select model_version from user_return_propensity limit 1")
        details = propensity.run(
            warehouse, world.work / "refused", "second", propensity.Options(min_gain=0.5)
        )
        after = warehouse.rows("select distinct model_version from user_return_propensity")
    finally:
        warehouse.close()
    assert not details["published"] and details["severity"] == "WARNING"
    assert "required > +0.500" in str(details["reason"])
    assert details["kept"] == "the last good scores"
    assert after == before  # the published scores of the first run stay
    card = json.loads((world.work / "refused" / propensity.CARD).read_text())
    assert card["published"] is False and card["reason"] == details["reason"]
