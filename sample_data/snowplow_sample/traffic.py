"""The traffic model: who visits, in which sessions, and what each page view emits.

A user is a browser cookie (domain_userid) with a device, a place and a tracker
version that stay put; some come back in later sessions (domain_sessionidx counts
them), some log in (user_id from then on). A session is 1 to 20 page views; while the
page is open and the visitor active, the tracker sends a page ping after the minimum
visit length and then every heartbeat, as Snowplow's activity tracking does. Crawlers
come without cookies, never ping and are flagged by the IAB enrichment.

Users wait in a bounded pool between sessions (visitors.py), so memory stays flat however
many events are asked for.

With `interest` (off by default, so the default output stays as it was), each human user
draws a latent interest in (0, 1) from a Beta(1.2, 2.5) distribution when first seen. It
drives how often they come back (60 % of the sessions try to be a return: a pooled user,
kept with probability interest squared, up to eight tries), how deep they read (the one-page
share falls from 0.6 to 0.15 as interest rises, and longer visits get longer) and how long
they stay on a page (mean heartbeats 2 + 8 x interest). Real traffic differs this way;
without it, who returns would be chance alone and no model could beat recency.
"""

import random
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter
from urllib.parse import quote_plus

from snowplow_sample import catalog, ids, rows
from snowplow_sample.awkward import LONG_BURSTS, LONG_SESSION, ROTATED_USER_ID, Quirks
from snowplow_sample.catalog import Page
from snowplow_sample.clock import MINUTE, SECOND
from snowplow_sample.rows import Event
from snowplow_sample.visitors import User, Visitors

MIN_VISIT = 5 * SECOND  # the tracker's activity tracking: first ping after this
HEARTBEAT = 10 * SECOND  # then one per heartbeat with activity
MAX_SESSION = 90 * MINUTE  # no new page view after this long (keeps sessions in the period)
CAMPAIGN_SHARE = 0.12


@dataclass(slots=True)
class Session:
    """One planned session: its user and its events (time-ordered, awkward cases applied)."""

    user: User
    new_user: bool
    events: list[Event]


class Traffic:
    """Plans sessions one at a time from one seeded random stream."""

    def __init__(self, rng: random.Random, quirks: Quirks | None, interest: bool = False) -> None:
        self.rng = rng
        self.quirks = quirks
        self.interest = interest
        self.visitors = Visitors(rng, interest)
        self._page_w = list(accumulate(p.weight for p in catalog.PAGES))
        self._referrer_w = list(accumulate(r.weight for r in catalog.REFERRERS))

    def session(self, start: int, robot: bool = False) -> Session:
        """The next session, starting at `start` (a crawler's when `robot`)."""
        user, new_user = self.visitors.draw(start, robot)
        user.sessions += 1
        rng, robot = self.rng, user.agent.robot
        if self.interest and not robot:
            one_page = 0.6 - 0.45 * user.interest
            depth = 1.5 + 5 * user.interest
            pages = 1 if rng.random() < one_page else min(20, 2 + int(rng.expovariate(1 / depth)))
        else:
            pages = 1 if rng.random() < 0.38 else min(20, 2 + int(rng.expovariate(1 / 3)))
        if robot:
            pages = rng.randint(1, 20)
        quirks = None if robot else self.quirks
        rotate_at = quirks.rotation_page(pages) if quirks else None
        long = quirks.long_session(start) if quirks else False
        session_id = ids.uuid4(rng)
        events: list[Event] = []
        page = self._pick(catalog.PAGES, self._page_w)
        t = self._visit(user, session_id, start, page, pages, rotate_at, events)
        if long:
            for low, high in LONG_BURSTS:  # the tab stays open and is used again later
                page = self._pick(catalog.PAGES, self._page_w)
                t = self._visit(
                    user,
                    session_id,
                    start + rng.randint(low, high),
                    page,
                    rng.randint(1, 2),
                    None,
                    events,
                    landing=False,
                )
            events[-1].tag = LONG_SESSION
        user.busy_until = t
        events.sort(key=attrgetter("t"))
        if quirks:
            events = quirks.apply(events)
        return Session(user, new_user, events)

    def _visit(
        self,
        user: User,
        session_id: str,
        t: int,
        page: Page,
        pages: int,
        rotate_at: int | None,
        events: list[Event],
        landing: bool = True,
    ) -> int:
        """Emit `pages` page views from `t`; returns when the visitor left."""
        rng, start, robot = self.rng, t, user.agent.robot
        domain_userid = user.domain_userid
        session = self._session_row(user, session_id, domain_userid)
        if landing and not robot:
            url, referrer, marketing = self._landing(page)
        else:  # crawlers and a reused tab come without a referrer
            url, referrer, marketing = self._url(page), "", {}
        for index in range(pages):
            if index == rotate_at:
                domain_userid = ids.uuid4(rng)
                session = self._session_row(user, session_id, domain_userid)
            height = page.height * 12 // 5 if user.agent.mobile else page.height
            base = rows.page_row(
                session,
                app_id=page.app_id,
                url=url,
                title=page.title,
                page_view_id=ids.uuid4(rng),
                referrer=referrer,
                marketing=marketing,
                doc_size=(user.viewport[0], max(height, user.viewport[1])),
            )
            events.append(self._event(rows.PAGE_VIEW, t, user, base))
            if index == rotate_at:
                events[-1].tag = ROTATED_USER_ID
            left = self._engage(user, t, base, height, events) if not robot else t + 800
            if user.account and not user.logged_in and not robot and rng.random() < 0.2:
                user.logged_in = True  # user_id is set from the next page view on
                at = rng.randint(t, left)
                events.append(
                    self._event(rows.STRUCT, at, user, base, rows.struct_extra(catalog.LOGIN_EVENT))
                )
                session = self._session_row(user, session_id, domain_userid)
            elif not robot and rng.random() < 0.12:
                what = catalog.STRUCT_EVENTS[rng.randrange(len(catalog.STRUCT_EVENTS))]
                at = rng.randint(t, left)
                events.append(self._event(rows.STRUCT, at, user, base, rows.struct_extra(what)))
            last = index == pages - 1 or left - start > MAX_SESSION
            if last:
                if not robot and rng.random() < 0.15:
                    target = catalog.EXTERNAL_LINKS[rng.randrange(len(catalog.EXTERNAL_LINKS))]
                    events.append(
                        self._event(
                            rows.LINK_CLICK, left, user, base, rows.link_click_extra(target)
                        )
                    )
                return left
            next_page = self._next(page)
            next_url = self._url(next_page)
            if not robot and rng.random() < 0.35:
                events.append(
                    self._event(rows.LINK_CLICK, left, user, base, rows.link_click_extra(next_url))
                )
            referrer, marketing = url, {"refr_medium": "internal"}
            page, url = next_page, next_url
            t = left + rng.randint(300, 2500) if not robot else left + rng.randint(1000, 9000)
        return t

    def _engage(self, user: User, t: int, base: list[str], height: int, out: list[Event]) -> int:
        """Page pings while the visitor reads and scrolls; returns when they move on."""
        rng = self.rng
        if rng.random() < 0.25:  # gone before the minimum visit length
            return t + rng.randint(1500, 4800)
        mean_beats = 2 + 8 * user.interest if self.interest else 5
        beats = min(int(rng.expovariate(1 / mean_beats)), 60)
        view = user.viewport[1]
        bottom = max(height - view, 0)
        y = 0
        for beat in range(beats):
            if beat and rng.random() < 0.1:  # an idle heartbeat: no activity, no ping
                continue
            y_min, y = y, min(bottom, y + int(rng.random() * view))
            at = t + MIN_VISIT + beat * HEARTBEAT + int(rng.random() * 40)
            out.append(self._event(rows.PAGE_PING, at, user, base, rows.ping_extra(y_min, y)))
        # Gone before the next heartbeat would have fired.
        return t + MIN_VISIT + max(beats - 1, 0) * HEARTBEAT + rng.randint(500, 9500)

    def _event(
        self,
        kind: rows.EventType,
        t: int,
        user: User,
        base: list[str],
        extra: tuple[tuple[int, str], ...] = (),
    ) -> Event:
        """Time one event through device, network, collector and enrich."""
        rng = self.rng
        created = t + user.skew_ms
        r = rng.random()
        send = int(r * 40) + 1 if r < 0.97 else rng.randint(1 * SECOND, 20 * SECOND)  # batched
        collector = t + send + 20 + int(rng.random() * 260)
        r = rng.random()
        lag = 400 + int(r * 3000) if r < 0.98 else rng.randint(10 * SECOND, 10 * MINUTE)
        return Event(
            kind,
            t,
            created,
            created + send,
            collector,
            collector + lag,
            ids.uuid4(rng),
            ids.hex32(rng),
            base,
            extra,
        )

    def _session_row(self, user: User, session_id: str, domain_userid: str) -> list[str]:
        return rows.session_row(
            user.agent,
            user.city,
            user.screen,
            user.viewport,
            {
                "v_tracker": user.tracker,
                "user_ipaddress": user.ip,
                "user_id": user.account if user.logged_in else "",
                "domain_userid": domain_userid,
                "domain_sessionidx": str(user.sessions),
                "network_userid": user.network_userid,
                "domain_sessionid": session_id,
            },
        )

    def _landing(self, page: Page) -> tuple[str, str, dict[str, str]]:
        """The first page's URL, referrer and the marketing fields enrich derives from them."""
        rng = self.rng
        if rng.random() >= CAMPAIGN_SHARE:
            ref = self._pick(catalog.REFERRERS, self._referrer_w)
            marketing = (
                {"refr_medium": ref.medium, "refr_source": ref.source, "refr_term": ref.term}
                if ref.url
                else {}
            )
            return self._url(page), ref.url, marketing
        c = catalog.CAMPAIGNS[rng.randrange(len(catalog.CAMPAIGNS))]
        tags = {
            "utm_source": c.source,
            "utm_medium": c.medium,
            "utm_campaign": c.name,
            "utm_term": c.term,
            "utm_content": c.content,
        }
        query = "&".join(f"{k}={quote_plus(v)}" for k, v in tags.items() if v)
        marketing = {
            "mkt_source": c.source,
            "mkt_medium": c.medium,
            "mkt_campaign": c.name,
            "mkt_term": c.term,
            "mkt_content": c.content,
        }
        if c.click_param:
            click = ids.click_id(rng)
            query += f"&{c.click_param}={click}"
            marketing |= {"mkt_clickid": click, "mkt_network": c.network}
        ref = c.referrer
        if ref.url:
            marketing |= {
                "refr_medium": ref.medium,
                "refr_source": ref.source,
                "refr_term": ref.term,
            }
        return f"https://{page.host}{page.path}?{query}", ref.url, marketing

    def _url(self, page: Page) -> str:
        url = f"https://{page.host}{page.path}"
        if page.app_id == "docs" and self.rng.random() < 0.2:
            url += "#" + catalog.DOC_FRAGMENTS[self.rng.randrange(len(catalog.DOC_FRAGMENTS))]
        return url

    def _next(self, page: Page) -> Page:
        while (chosen := self._pick(catalog.PAGES, self._page_w)) is page:
            pass
        return chosen

    def _pick[T](self, items: tuple[T, ...], cumulative: list[float]) -> T:
        return self.rng.choices(items, cum_weights=cumulative)[0]
