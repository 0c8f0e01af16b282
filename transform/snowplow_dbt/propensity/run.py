"""The job's propensity step: fit on the train cutoff, gate on the eval cutoff, score.

Memory stays bounded whatever the number of users: training reads at most
`max_train_rows` users of each labelled cutoff (a reproducible hash sample), and scoring
streams the score cutoff batch by batch into a staging table; the deciles are computed by
the warehouse when the staging table replaces user_return_propensity in one statement.
A model that does not beat the baseline is not published: user_return_propensity keeps
the last good scores and the step says why (a WARNING, not a failure of the job).
The model card (features, windows, metrics, baseline, data sizes, verdict) is written
beside dbt's artifacts of the run.
"""

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from snowplow_dbt.propensity.model import CATEGORICAL, FEATURES, LABEL, NUMERIC, evaluate
from snowplow_dbt.propensity.warehouse import Warehouse

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

FEATURES_MODEL = "user_return_features"
SCORES = "user_return_propensity"
DECILES = "user_return_deciles"  # one row per decile: the workbook's and spreadsheet's tab
STAGING = "user_return_propensity__staging"
# the published tables' columns, for creating them empty before any model is published
SCORES_SCHEMA = pa.schema(
    [
        ("domain_userid", pa.string()),
        ("score", pa.float64()),
        ("decile", pa.int64()),
        ("scored_at", pa.timestamp("us")),
        ("model_version", pa.string()),
    ]
)
DECILES_SCHEMA = pa.schema(
    [
        ("decile", pa.int64()),
        ("users", pa.int64()),
        ("min_score", pa.float64()),
        ("mean_score", pa.float64()),
        ("max_score", pa.float64()),
        ("scored_at", pa.timestamp("us")),
        ("model_version", pa.string()),
    ]
)
CARD = "model_card.json"


@dataclass(frozen=True)
class Options:
    batch_size: int = 50_000
    max_train_rows: int = 500_000
    min_gain: float = 0.0  # the model must beat the baseline's ROC AUC by more than this
    seed: int = 0


def read_cutoff(warehouse: Warehouse, role: str, options: Options) -> pd.DataFrame:
    """The users of one labelled cutoff, at most max_train_rows of them (hash sample)."""
    columns = ", ".join(("domain_userid", *FEATURES, LABEL))
    sql = (
        f"select {columns} from {warehouse.models(FEATURES_MODEL)}"
        f" where cutoff_role = '{role}'"
        f" order by {warehouse.hash_order('domain_userid')}, domain_userid"
        f" limit {options.max_train_rows}"
    )
    frames = [batch.to_pandas() for batch in warehouse.batches(sql, options.batch_size)]
    from snowplow_dbt.propensity.model import frame

    return frame(frames)


def cutoffs(warehouse: Warehouse) -> dict[str, str]:
    rows = warehouse.rows(
        f"select cutoff_role, min(cutoff_date) as cutoff_date, count(*) as users"
        f" from {warehouse.models(FEATURES_MODEL)} group by cutoff_role"
    )
    return {str(row["cutoff_role"]): str(row["cutoff_date"]) for row in rows}


def score_all(
    warehouse: Warehouse, model: "Pipeline", version: str, scored_at: datetime, options: Options
) -> int:
    """Score the score cutoff batch by batch into staging, then publish it whole."""
    from snowplow_dbt.propensity.model import frame

    warehouse.execute(f"drop table if exists {warehouse.analytics(STAGING)}")
    columns = ", ".join(("domain_userid", *FEATURES))
    sql = f"select {columns} from {warehouse.models(FEATURES_MODEL)} where cutoff_role = 'score'"
    scored = 0
    for batch in warehouse.batches(sql, options.batch_size):
        data = frame([batch.to_pandas()])
        scores = model.predict_proba(data[list(FEATURES)])[:, 1]
        warehouse.append(
            STAGING,
            pa.table(
                {
                    "domain_userid": pa.array(data["domain_userid"].astype(str), pa.string()),
                    "score": pa.array(scores, pa.float64()),
                }
            ),
        )
        scored += len(data)
    if scored == 0:
        raise ValueError("no user to score at the score cutoff")
    stamp = scored_at.strftime("%Y-%m-%d %H:%M:%S")
    warehouse.execute(
        f"create or replace table {warehouse.analytics(SCORES)} as"
        f" select domain_userid, score,"
        f" ntile(10) over (order by score desc, domain_userid) as decile,"
        f" cast('{stamp}' as timestamp) as scored_at, '{version}' as model_version"
        f" from {warehouse.analytics(STAGING)}"
    )
    warehouse.execute(f"drop table if exists {warehouse.analytics(STAGING)}")
    warehouse.execute(
        f"create or replace table {warehouse.analytics(DECILES)} as"
        " select decile, count(*) as users, min(score) as min_score, avg(score) as mean_score,"
        " max(score) as max_score, max(scored_at) as scored_at, max(model_version) as model_version"
        f" from {warehouse.analytics(SCORES)} group by decile"
    )
    return scored


def ensure_tables(warehouse: Warehouse) -> None:
    """Empty published tables until a model is published, so readers (the Sheets sync)
    always find them."""
    for name, schema in ((SCORES, SCORES_SCHEMA), (DECILES, DECILES_SCHEMA)):
        if not warehouse.exists(name):
            warehouse.append(name, schema.empty_table())


def run(
    warehouse: Warehouse,
    artifacts: Path,
    run_id: str,
    options: Options = Options(),
    now: datetime | None = None,
) -> dict[str, object]:
    """The step: its details (severity WARNING when the gate refused the model)."""
    now = now or datetime.now(UTC)
    found = cutoffs(warehouse)
    train = read_cutoff(warehouse, "train", options)
    held_out = read_cutoff(warehouse, "eval", options)
    result = evaluate(train, held_out, options.min_gain, options.seed)
    version = f"logit-{found.get('train', 'none')}-{run_id}"
    scored = 0
    if result.publish:
        scored = score_all(warehouse, result.model, version, now, options)
    card = {
        "model_version": version,
        "published": result.publish,
        "reason": result.reason,
        "model": "scikit-learn logistic regression (log1p + standardised numbers, one-hot)",
        "baseline": "logistic regression on log(1 + recency_days)",
        "features": {"numeric": list(NUMERIC), "categorical": list(CATEGORICAL)},
        "label": "a session within the horizon (snowplow__propensity_horizon_days) from the cutoff",
        "cutoffs": found,
        "split": "time: fitted on the train cutoff, measured on the later eval cutoff",
        "metrics": {
            "model": asdict(result.model_metrics) if result.model_metrics else None,
            "baseline": asdict(result.baseline_metrics) if result.baseline_metrics else None,
            "shuffled_label_roc_auc": result.shuffled_auc,
        },
        "data": {
            "train_users": result.train_rows,
            "eval_users": result.eval_rows,
            "train_positive_rate": result.train_positive_rate,
            "eval_positive_rate": result.eval_positive_rate,
            "scored_users": scored,
        },
        "scored_at": now.isoformat(),
    }
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / CARD).write_text(json.dumps(card, indent=2, default=str) + "\n")
    details: dict[str, object] = {
        "published": result.publish,
        "reason": result.reason,
        "model_version": version,
        "scored_users": scored,
        "metrics": card["metrics"],
    }
    if not result.publish:
        details["severity"] = "WARNING"
        details["kept"] = "the last good scores" if _published(warehouse) else "no scores yet"
        ensure_tables(warehouse)
    return details


def _published(warehouse: Warehouse) -> bool:
    if not warehouse.exists(SCORES):
        return False
    found = warehouse.rows(f"select count(*) as users from {warehouse.analytics(SCORES)}")
    return bool(found and found[0]["users"])
