"""Synthetic Snowplow web traffic for the incremental tests, generated in DuckDB SQL.

Not a realistic traffic model (that is the snowplow_sample package's job): a deterministic
stand-in with exactly the shapes the incremental logic must survive, in known places —
users with several sessions, page pings every heartbeat, duplicates, events sent too
late, sessions running past max_session_days — that a test can pick out by value.

Rows go into raw_events as the loader would write them (load_tstamp = the hour after
collection, one load_file_key per hour).
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
from snowplow_loader.contract import RAW_EVENTS
from snowplow_loader.duckdb_sql import DDL, RAW_EVENTS_TABLE

WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0"
CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"
LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1"


@dataclass(frozen=True)
class Traffic:
    """How much traffic, over which days."""

    sessions: int = 1_000
    users: int = 400
    days: int = 4
    start: datetime = datetime(2024, 1, 1)
    seed: int = 7


def _uuid(expression: str) -> str:
    h = f"md5({expression})"
    return (
        f"substr({h}, 1, 8) || '-' || substr({h}, 9, 4) || '-4' || substr({h}, 14, 3) || '-a'"
        f" || substr({h}, 18, 3) || '-' || substr({h}, 21, 12)"
    )


def _sql(traffic: Traffic) -> str:
    seed = traffic.seed
    span = traffic.days * 86400
    start = traffic.start.strftime("%Y-%m-%d %H:%M:%S")
    return f"""
    with sessions as (
        select
            s as session_no,
            cast(hash({seed}, s, 'user') % {traffic.users} as bigint) as user_no,
            timestamp '{start}'
                + to_seconds(cast(hash({seed}, s, 'start') % {span} as bigint)) as session_start,
            cast(1 + hash({seed}, s, 'pages') % 6 as bigint) as pages,
            hash({seed}, s, 'long') % 500 = 0 as runs_long
        from range({traffic.sessions}) as t(s)
    ),
    page_views as (
        select
            sessions.*,
            p as page_no,
            session_start
                + to_seconds(cast(p * 40 + hash({seed}, session_no, p, 'gap') % 30 as bigint))
                as page_start,
            cast(hash({seed}, session_no, p, 'pings') % 7 as bigint) as pings
        from sessions, range(pages) as t(p)
    ),
    events as (
        select page_views.*, 'page_view' as event_name, page_start as created, 0 as ordinal,
               cast(null as bigint) as y_offset
        from page_views
        union all
        select page_views.*, 'page_ping',
               page_start + to_seconds(
                   cast(10 + k * 10 + hash({seed}, session_no, page_no, k) % 3 as bigint)),
               1 + k, cast(200 * k as bigint)
        from page_views, range(pings) as t(k)
        union all
        select page_views.*, 'link_click',
               page_start + to_seconds(
                   cast(5 + hash({seed}, session_no, page_no, 'click') % 20 as bigint)),
               100, null
        from page_views where hash({seed}, session_no, page_no, 'c') % 3 = 0
        union all
        -- a few sessions come back after max_session_days: they are cut and quarantined
        select page_views.*, 'page_view', page_start + interval 4 day, 200, null
        from page_views where runs_long and page_no = 0
    ),
    shaped as (
        select
            *,
            {_uuid(f"'{seed}-' || session_no || '-' || page_no || '-' || event_name || ordinal")}
                as event_id,
            {_uuid(f"'{seed}-pv-' || session_no || '-' || page_no")} as page_view_id,
            md5('{seed}-session-' || session_no) as domain_sessionid,
            md5('{seed}-user-' || user_no) as domain_userid,
            case when hash({seed}, session_no, page_no, ordinal, 'late') % 400 = 0
                 then created + interval 4 day else created + interval 1 second end as sent,
            hash({seed}, session_no, page_no, ordinal, 'dup') % 100 = 0 as duplicated
        from events
    ),
    timed as (
        select *, sent + interval 200 millisecond as collected
        from shaped
    ),
    copies as (
        select *, 0 as copy from timed
        union all
        select * replace (collected + interval 3 second as collected), 1 as copy
        from timed where duplicated
    )
    select
        'synthetic' as app_id,
        'web' as platform,
        collected + interval 1 second as etl_tstamp,
        collected as collector_tstamp,
        created as dvce_created_tstamp,
        case event_name when 'link_click' then 'unstruct' else event_name end as event,
        event_id,
        'sp' as name_tracker,
        'js-3.24.0' as v_tracker,
        'ssc-3.2.0-kinesis' as v_collector,
        'snowplow-enrich-kinesis-5.0.0' as v_etl,
        case when user_no % 5 = 0 then 'customer-' || user_no end as user_id,
        '10.0.' || (user_no % 250) || '.' || (session_no % 250) as user_ipaddress,
        domain_userid,
        1 + session_no % 9 as domain_sessionidx,
        md5('{seed}-net-' || user_no) as network_userid,
        (['GB', 'DE', 'FR', 'US', 'NL'])[1 + user_no % 5] as geo_country,
        'https://shop.example.com/page/' || page_no as page_url,
        'Page ' || page_no as page_title,
        case when page_no = 0 then 'https://www.search.example/?q=shop'
             else 'https://shop.example.com/page/' || (page_no - 1) end as page_referrer,
        'https' as page_urlscheme,
        'shop.example.com' as page_urlhost,
        443 as page_urlport,
        '/page/' || page_no as page_urlpath,
        case when page_no = 0 then 'search' else 'internal' end as refr_medium,
        case when page_no = 0 and session_no % 4 = 0 then 'newsletter' end as mkt_campaign,
        case when page_no = 0 and session_no % 4 = 0 then 'email' end as mkt_medium,
        json_object('schema', '{CONTEXTS}',
                    'data', [json_object('schema', '{WEB_PAGE}',
                                         'data', json_object('id', page_view_id))]) as contexts,
        case when event_name = 'link_click' then json_object(
            'schema', 'iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0',
            'data', json_object('schema', '{LINK_CLICK}',
                                'data', json_object('targetUrl', 'https://example.org/')))
        end as unstruct_event,
        case when event_name = 'page_ping' then 0 end as pp_xoffset_min,
        case when event_name = 'page_ping' then 0 end as pp_xoffset_max,
        case when event_name = 'page_ping' then greatest(y_offset - 200, 0) end as pp_yoffset_min,
        case when event_name = 'page_ping' then y_offset end as pp_yoffset_max,
        'Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0' as useragent,
        'en-GB' as br_lang,
        true as br_cookies,
        1280 as br_viewwidth,
        800 as br_viewheight,
        1280 as doc_width,
        4000 as doc_height,
        sent as dvce_sent_tstamp,
        domain_sessionid,
        collected - (sent - created) as derived_tstamp,
        'com.snowplowanalytics.snowplow' as event_vendor,
        event_name,
        'jsonschema' as event_format,
        case event_name when 'link_click' then '1-0-1' else '1-0-0' end as event_version,
        md5(event_id || copy) as event_fingerprint,
        date_trunc('hour', collected) + interval 1 hour as load_tstamp,
        'synthetic://{seed}/' || strftime(date_trunc('hour', collected), '%Y-%m-%dT%H') || '.tsv'
            as load_file_key
    from copies
    """


def generate(database: Path, traffic: Traffic) -> int:
    """Append the traffic to `database`'s raw_events (created if missing); rows written."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(database)) as connection:
        for statement in DDL:
            connection.execute(statement)
        generated = connection.execute(f"select * from ({_sql(traffic)}) limit 0").description or []
        names = [column[0] for column in generated]
        unknown = set(names) - {field.name for field in RAW_EVENTS}
        if unknown:
            raise ValueError(f"not raw_events columns: {sorted(unknown)}")
        before = _count(connection)
        connection.execute(
            f"insert into {RAW_EVENTS_TABLE} ({', '.join(names)}) select * from ({_sql(traffic)})"
        )
        return _count(connection) - before


def _count(connection: duckdb.DuckDBPyConnection) -> int:
    (count,) = connection.execute(f"select count(*) from {RAW_EVENTS_TABLE}").fetchone() or (0,)
    return int(count)
