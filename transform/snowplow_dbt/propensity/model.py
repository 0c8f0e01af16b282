"""Fit, evaluate and gate the return-propensity model (scikit-learn).

The model is a logistic regression over the features of models/ml/user_return_features
(counts and durations as log(1 + x), standardised; categories one-hot): on the sample's
90 days it ranks better than gradient-boosted trees (fewer than a thousand returning users
to learn from) and fits in a second;
the baseline is what a marketer would use, recency alone (a logistic fit on
log(1 + recency_days), so its Brier score is that of a probability too). Both are fitted
on the train cutoff and measured on the later eval cutoff: a time split, never a random
one. A model is published only when it beats the baseline's ROC AUC there by `min_gain`.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

NUMERIC = (
    "recency_days",
    "tenure_days",
    "sessions_total",
    "sessions_7d",
    "sessions_28d",
    "active_days_28d",
    "engaged_time_7d",
    "engaged_time_28d",
    "page_views_per_session",
    "bounce_share",
    "is_stitched",
)
CATEGORICAL = ("first_channel", "device_class")
FEATURES = NUMERIC + CATEGORICAL
LABEL = "returned"
MIN_ROWS = 200  # fewer labelled users at a cutoff: no honest measure, nothing published
MIN_POSITIVES = 20


@dataclass(frozen=True)
class Metrics:
    """How well scores rank and fit the labels of one cutoff."""

    roc_auc: float
    pr_auc: float
    brier: float

    @classmethod
    def of(cls, labels: NDArray[np.int_], scores: NDArray[np.float64]) -> "Metrics":
        return cls(
            roc_auc=float(roc_auc_score(labels, scores)),
            pr_auc=float(average_precision_score(labels, scores)),
            brier=float(brier_score_loss(labels, scores)),
        )


@dataclass
class Evaluation:
    """The fitted model, its held-out measures, the baseline's, and the gate's verdict."""

    model: Pipeline | None
    model_metrics: Metrics | None
    baseline_metrics: Metrics | None
    shuffled_auc: float | None
    train_rows: int
    eval_rows: int
    train_positive_rate: float
    eval_positive_rate: float
    publish: bool
    reason: str
    details: dict[str, object] = field(default_factory=dict)


def frame(batches: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenated batches with the features typed as the model expects."""
    data = pd.concat(batches, ignore_index=True) if batches else pd.DataFrame(columns=FEATURES)
    for name in NUMERIC:
        data[name] = pd.to_numeric(data[name], errors="coerce").astype("float64").fillna(0.0)
    for name in CATEGORICAL:
        data[name] = data[name].astype("string").fillna("unknown").astype(object)
    return data


def new_model(seed: int = 0) -> Pipeline:
    numbers = Pipeline([("log", FunctionTransformer(np.log1p)), ("scale", StandardScaler())])
    categories = OneHotEncoder(handle_unknown="ignore", min_frequency=20)
    columns = ColumnTransformer(
        [("categories", categories, list(CATEGORICAL)), ("numbers", numbers, list(NUMERIC))],
        sparse_threshold=0.0,
    )
    logistic = LogisticRegression(C=1.0, max_iter=1000, random_state=seed)
    return Pipeline([("columns", columns), ("logistic", logistic)])


def new_baseline() -> Pipeline:
    """Recency alone, as a probability: logistic regression on log(1 + days)."""
    recency = ColumnTransformer([("recency", FunctionTransformer(np.log1p), ["recency_days"])])
    return Pipeline([("recency", recency), ("logistic", LogisticRegression())])


def _labels(data: pd.DataFrame) -> NDArray[np.int_]:
    labels: NDArray[np.int_] = data[LABEL].astype("int64").to_numpy()
    return labels


def _refusal(train: pd.DataFrame, evaluation: pd.DataFrame) -> str | None:
    for name, data in (("train", train), ("eval", evaluation)):
        if len(data) < MIN_ROWS:
            return f"{name} cutoff has {len(data)} users, fewer than {MIN_ROWS}"
        positives = int(_labels(data).sum())
        if min(positives, len(data) - positives) < MIN_POSITIVES:
            return f"{name} cutoff: {positives} of {len(data)} users returned, too few of a class"
    return None


def evaluate(
    train: pd.DataFrame, evaluation: pd.DataFrame, min_gain: float = 0.0, seed: int = 0
) -> Evaluation:
    """Fit on `train`, measure on `evaluation`, decide whether the model may be published."""
    rate = {
        name: float(_labels(d).mean()) if len(d) else 0.0
        for name, d in (("train", train), ("eval", evaluation))
    }
    refused = _refusal(train, evaluation)
    if refused is not None:
        return Evaluation(
            None,
            None,
            None,
            None,
            len(train),
            len(evaluation),
            rate["train"],
            rate["eval"],
            False,
            refused,
        )
    y_train, y_eval = _labels(train), _labels(evaluation)
    model = new_model(seed).fit(train[list(FEATURES)], y_train)
    baseline = new_baseline().fit(train[["recency_days"]], y_train)
    model_metrics = Metrics.of(y_eval, model.predict_proba(evaluation[list(FEATURES)])[:, 1])
    baseline_metrics = Metrics.of(
        y_eval, baseline.predict_proba(evaluation[["recency_days"]])[:, 1]
    )
    shuffled_auc = shuffled_control(train, evaluation, seed)
    gain = model_metrics.roc_auc - baseline_metrics.roc_auc
    publish = gain > min_gain
    reason = (
        f"ROC AUC {model_metrics.roc_auc:.3f} vs baseline {baseline_metrics.roc_auc:.3f}"
        f" (gain {gain:+.3f}, required > {min_gain:+.3f})"
    )
    return Evaluation(
        model,
        model_metrics,
        baseline_metrics,
        shuffled_auc,
        len(train),
        len(evaluation),
        rate["train"],
        rate["eval"],
        publish,
        reason,
    )


def shuffled_control(train: pd.DataFrame, evaluation: pd.DataFrame, seed: int = 0) -> float:
    """The held-out ROC AUC of the same model fitted on shuffled labels: near 0.5 unless
    something leaks labels into features or the evaluation."""
    shuffled = np.random.default_rng(seed).permutation(_labels(train))
    model = new_model(seed).fit(train[list(FEATURES)], shuffled)
    scores = model.predict_proba(evaluation[list(FEATURES)])[:, 1]
    return float(roc_auc_score(_labels(evaluation), scores))
