"""A short text summary of the built marts, for `make demo`."""

from pathlib import Path

import duckdb

# Filtered events and sessions, then the sessions each source flags (a session is counted
# under every source that flagged one of its events, so the sources overlap).
BOT_SOURCES = """
    select
        count(*),
        count(distinct domain_sessionid),
        count(distinct domain_sessionid) filter (where useragent_in_snowplow_list),
        count(distinct domain_sessionid) filter (where useragent_in_crawler_user_agents),
        count(distinct domain_sessionid) filter (
            where useragent_in_crawler_user_agents and not useragent_in_snowplow_list),
        count(distinct domain_sessionid) filter (where spider_or_robot)
    from int_snowplow__filtered_bot_events
"""


def summary(database: Path, days: int = 7) -> str:
    """Totals (sessions, users, page views, engaged time, bounce rate), the last days, and
    the sessions per channel, what bot filtering left out (by source: Snowplow's list,
    crawler-user-agents, the IAB enrichment) and user stitching linked."""
    with duckdb.connect(str(database), read_only=True) as connection:
        totals = connection.execute(
            """
            select
                count(*) as sessions,
                count(distinct domain_userid) as users,
                coalesce(sum(page_views), 0) as page_views,
                coalesce(sum(engaged_time_in_s), 0) as engaged_time_in_s,
                avg(case when is_bounce then 1.0 else 0.0 end) as bounce_rate
            from fct_sessions
            """
        ).fetchone()
        daily = connection.execute(
            """
            select activity_date, sessions, active_users, page_views, engaged_time_in_s, bounce_rate
            from daily_active_users
            order by activity_date desc
            limit ?
            """,
            [days],
        ).fetchall()
        segments = connection.execute(
            "select engagement_segment, count(*) from user_engagement group by 1 order by 2 desc"
        ).fetchall()
        bots = connection.execute(BOT_SOURCES).fetchone()
        channels = connection.execute(
            "select channel_group, count(*) from fct_sessions group by 1 order by 2 desc, 1"
        ).fetchall()
        stitched = connection.execute(
            "select count(*) filter (where is_stitched), count(*) from dim_users"
        ).fetchone()
    if totals is None:
        return "no sessions"
    sessions, users, page_views, engaged, bounce = totals
    header = (
        f"{'':12} {'sessions':>9} {'users':>8} {'page views':>11} {'engaged h':>10} {'bounce':>7}"
    )
    lines = [
        header,
        f"{'all':12} {sessions:>9,} {users:>8,} {page_views:>11,} {engaged / 3600:>10.1f} "
        f"{_percent(bounce):>7}",
    ]
    for day, day_sessions, day_users, day_views, day_engaged, day_bounce in sorted(daily):
        lines.append(
            f"{day.isoformat():12} {day_sessions:>9,} {day_users:>8,} {day_views:>11,} "
            f"{day_engaged / 3600:>10.1f} {_percent(day_bounce):>7}"
        )
    if segments:
        lines.append("users by engagement segment: " + ", ".join(f"{s} {n:,}" for s, n in segments))
    if channels:
        lines.append("sessions by channel: " + ", ".join(f"{c} {n:,}" for c, n in channels))
    if bots is not None:
        events, bot_sessions, snowplow, crawler, crawler_only, iab = bots
        lines.append(
            f"bots filtered out: {events:,} events in {bot_sessions:,} sessions; sessions by"
            f" source: Snowplow's list {snowplow:,}, crawler-user-agents {crawler:,}"
            f" ({crawler_only:,} that Snowplow's list misses), IAB enrichment {iab:,}"
        )
    if stitched is not None:
        lines.append(f"users stitched to a user_id: {stitched[0]:,} of {stitched[1]:,}")
    return "\n".join(lines)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"
