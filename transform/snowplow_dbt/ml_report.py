"""What `make demo` prints of the daily job's ML: the anomalies found, the deciles."""

from pathlib import Path

import duckdb

from snowplow_dbt.propensity.run import DECILES


def summary(database: Path, anomalies: int = 12) -> str:
    """The latest anomalies (metric, day, value against its band) and the score deciles."""
    lines: list[str] = []
    with duckdb.connect(str(database), read_only=True) as connection:
        flagged = connection.execute(
            "select activity_date, metric, value, lower_bound, upper_bound, direction"
            " from metric_anomalies where is_anomaly"
            " order by activity_date desc, metric limit ?",
            [anomalies],
        ).fetchall()
        total = connection.execute(
            "select count(*) from metric_anomalies where is_anomaly"
        ).fetchone()
        lines.append(f"anomalies found: {total[0] if total else 0} (latest first)")
        for day, metric, value, low, high, direction in flagged:
            lines.append(
                f"  {day}  {metric:<26} {value:>10.3f}  band [{low:.3f}, {high:.3f}]  {direction}"
            )
        tables = {row[0] for row in connection.execute("show tables").fetchall()}
        deciles = (
            connection.execute(
                f"select decile, users, mean_score, model_version from {DECILES} order by decile"
            ).fetchall()
            if DECILES in tables
            else []
        )
    if not deciles:
        lines.append("return propensity: no model published yet (see the job's propensity line)")
        return "\n".join(lines)
    lines.append(f"return propensity within 7 days, by decile (model {deciles[0][3]}):")
    for decile, users, mean, _ in deciles[:3]:
        lines.append(f"  decile {decile:>2}: {users:>7,} users, mean score {mean:.3f}")
    lines.append(f"  ... decile 10: mean score {deciles[-1][2]:.3f}")
    return "\n".join(lines)
