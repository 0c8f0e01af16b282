"""Who visits: users (browser cookies) and the bounded pool they wait in between sessions.

A user keeps a device, a place and a tracker version; some come back in later sessions,
some have an account they log in to. With `interest`, each human user draws a latent
interest when first seen, and returns are chosen by it rather than drawn (traffic.py says
how it shapes the sessions). The pool stays at POOL_SIZE, so memory is flat however many
events are asked for.

Draws come from the traffic's one random stream, in the order the traffic asks for them.
"""

import random
from dataclasses import dataclass
from itertools import accumulate

from snowplow_sample import agents, catalog, ids
from snowplow_sample.agents import Agent
from snowplow_sample.catalog import City
from snowplow_sample.clock import MINUTE, SECOND

SESSION_TIMEOUT = 30 * MINUTE
POOL_SIZE = 20_000
BOT_SHARE = 0.03
RETURNING_SHARE = 0.4
INTERESTED_RETURNING_SHARE = 0.6  # with latent interest: returns are chosen, not drawn
ACCOUNT_SHARE = 0.3
MAX_SKEW = 30 * MINUTE  # the furthest a device clock is off


@dataclass(slots=True)
class User:
    """A browser cookie and what stays the same about it across sessions."""

    domain_userid: str
    network_userid: str
    agent: Agent
    city: City
    ip: str
    tracker: str
    screen: tuple[int, int]
    viewport: tuple[int, int]
    skew_ms: int  # how far the device clock is off
    account: str  # user_id once logged in; "" for visitors without an account
    logged_in: bool = False
    sessions: int = 0
    busy_until: int = 0
    counted: bool = False
    interest: float = 0.0  # latent, 0 to 1; drawn only in traffic with interest


class Visitors:
    """The users of one traffic: new ones drawn from the catalog, returning ones from the pool."""

    def __init__(self, rng: random.Random, interest: bool = False) -> None:
        self.rng = rng
        self.interest = interest
        self.pool: list[User] = []
        self._agent_w = list(accumulate(a.weight for a in agents.AGENTS))
        self._bot_w = list(accumulate(a.weight for a in agents.BOTS))
        self._city_w = list(accumulate(c.weight for c in catalog.CITIES))
        self._tracker_w = list(accumulate(w for _, w in catalog.TRACKER_VERSIONS))
        self._serial = 0

    def draw(self, start: int, robot: bool = False) -> tuple[User, bool]:
        """A returning visitor from the pool, or a new one (crawlers are always new)."""
        rng, pool = self.rng, self.pool
        if robot or rng.random() < BOT_SHARE:
            return self._new_user(self._pick(agents.BOTS, self._bot_w)), True
        if self.interest and pool and rng.random() < INTERESTED_RETURNING_SHARE:
            for _ in range(8):  # the interested come back; the others seldom do
                user = pool[rng.randrange(len(pool))]
                keep = rng.random() < user.interest**2
                if keep and user.busy_until + SESSION_TIMEOUT < start:
                    return user, False
        elif not self.interest and pool and rng.random() < RETURNING_SHARE:
            user = pool[rng.randrange(len(pool))]
            if user.busy_until + SESSION_TIMEOUT < start:
                return user, False
        user = self._new_user(self._pick(agents.AGENTS, self._agent_w))
        if self.interest:
            user.interest = rng.betavariate(1.2, 2.5)
        if len(pool) < POOL_SIZE:
            pool.append(user)
        else:
            pool[rng.randrange(POOL_SIZE)] = user
        return user, True

    def _new_user(self, agent: Agent) -> User:
        rng = self.rng
        self._serial += 1
        city = catalog.CRAWLER_HOME if agent.robot else self._pick(catalog.CITIES, self._city_w)
        screen = agent.screens[rng.randrange(len(agent.screens))]
        if agent.device == "Computer":
            viewport = (
                screen[0] - rng.choice((0, 0, 15, 120, 300)),
                screen[1] - rng.randint(90, 180),
            )
        else:
            viewport = (screen[0], screen[1] - rng.randint(60, 140))
        r = rng.random()
        if r < 0.85:
            skew = rng.randint(-1500, 1500)
        elif r < 0.98:
            skew = rng.randint(-180, 180) * SECOND
        else:
            skew = rng.randint(-MAX_SKEW, MAX_SKEW)  # a clock set by hand, or a wrong zone
        tracker = self._pick(catalog.TRACKER_VERSIONS, self._tracker_w)[0]
        account = (
            "" if agent.robot or rng.random() >= ACCOUNT_SHARE else str(100_000 + self._serial)
        )
        return User(
            ids.uuid4(rng),
            ids.uuid4(rng),
            agent,
            city,
            f"{catalog.IP_PREFIXES[rng.randrange(3)]}{rng.randint(1, 254)}",
            tracker,
            screen,
            viewport,
            0 if agent.robot else skew,
            account,
        )

    def _pick[T](self, items: tuple[T, ...], cumulative: list[float]) -> T:
        return self.rng.choices(items, cum_weights=cumulative)[0]
