"""A synthetic user_return_features table (DuckDB), for the propensity step's tests and
benchmark: interest drives both the features and the label, so a model has something to
learn and scores are checkable."""

_FEATURES = """
create or replace table user_return_features as
with users as (
    select role, i, hash(role || i) % 1000 / 1000.0 as interest
    from (values ('train', {train}), ('eval', {train}), ('score', {score})) as roles(role, n),
         lateral (select * from range(n)) as r(i)
)
select
    role as cutoff_role, date '2026-12-01' as cutoff_date, role || '-' || i as domain_userid,
    1 + (hash(i) % 20)::int as recency_days, 30 as tenure_days,
    (1 + interest * 10)::int as sessions_total, (interest * 3)::int as sessions_7d,
    (interest * 8)::int as sessions_28d, (interest * 6)::int as active_days_28d,
    interest * 300 as engaged_time_7d, interest * 900 as engaged_time_28d,
    1 + interest * 4 as page_views_per_session, 1 - interest as bounce_share,
    (i % 3 = 0)::int as is_stitched, 'search' as first_channel, 'computer' as device_class,
    case when role = 'score' then null
         when hash(role || i || 'label') % 1000 / 1000.0 < interest * 0.8 then 1 else 0 end
        as returned
from users
"""


def synthetic_features_sql(train: int, score: int) -> str:
    """`create or replace table user_return_features` with `train` users for each of the
    train and eval cutoffs and `score` users to score."""
    return _FEATURES.format(train=train, score=score)
