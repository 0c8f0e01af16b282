# ruff: noqa: E501  (user-agent strings and one-line table rows read better unbroken)
"""The browsers and crawlers of the sample: user-agent strings and what enrichment makes of them.

Kept apart from ``catalog`` (places, pages, referrers, campaigns) because an agent is
more than a table row: each one builds the derived contexts (ua-parser and IAB
spiders-and-robots) that enrichment attaches to its events, and the bot list is what
the models' bot filter and its contract test are checked against.
"""

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Agent:
    """A browser (or crawler) as the tracker reports it and as enrichment parses it."""

    weight: float
    useragent: str
    browser: tuple[str, str, str, str, str]  # br_name, br_family, br_version, br_type, engine
    os: tuple[str, str, str]  # os_name, os_family, os_manufacturer
    device: str  # dvce_type
    screens: tuple[tuple[int, int], ...]
    parsed: tuple[str, str, str, str, str, str, str, str]  # ua family/major/minor, os x4, device
    colordepth: str = "24"
    robot: bool = False
    derived_contexts: str = field(init=False)

    def __post_init__(self) -> None:
        # Built once per agent: every event of every user with this agent shares it.
        ua, major, minor, os_family, os_major, os_minor, os_patch, device = self.parsed
        parser = {
            "useragentFamily": ua,
            "useragentMajor": major,
            "useragentMinor": minor,
            "useragentPatch": "0",
            "useragentVersion": f"{ua} {major}.{minor}.0",
            "osFamily": os_family,
            "osMajor": os_major or None,
            "osMinor": os_minor or None,
            "osPatch": os_patch or None,
            "osPatchMinor": None,
            "osVersion": " ".join(
                [os_family, ".".join(v for v in (os_major, os_minor, os_patch) if v)]
            ).strip(),
            "deviceFamily": device,
        }
        if self.robot:
            iab = {
                "spiderOrRobot": True,
                "category": "SPIDER_OR_ROBOT",
                "reason": "FAILED_UA_INCLUDE",
                "primaryImpact": "UNKNOWN",
            }
        else:
            iab = {
                "spiderOrRobot": False,
                "category": "BROWSER",
                "reason": "PASSED_ALL",
                "primaryImpact": "NONE",
            }
        contexts = {
            "schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
            "data": [
                {
                    "schema": "iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0",
                    "data": parser,
                },
                {
                    "schema": "iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0",
                    "data": iab,
                },
            ],
        }
        object.__setattr__(self, "derived_contexts", json.dumps(contexts, separators=(",", ":")))

    @property
    def mobile(self) -> bool:
        return self.device in ("Mobile", "Tablet")


_DESKTOP = ((1920, 1080), (2560, 1440), (1536, 864), (1366, 768), (1440, 900), (1680, 1050))
_MAC = ((1440, 900), (1512, 982), (1728, 1117), (2560, 1440), (1920, 1080))
_PHONE = ((390, 844), (393, 852), (430, 932), (375, 812))
_ANDROID = ((412, 915), (360, 800), (384, 854), (412, 892))
_TABLET = ((820, 1180), (768, 1024), (1024, 1366))
_WIN = ("Windows 10", "Windows", "Microsoft Corporation")
_MACOS = ("Mac OS X", "Mac OS X", "Apple Inc.")
_IOS = ("iOS (iPhone)", "iOS", "Apple Inc.")
_ANDROID_OS = ("Android", "Android", "Google Inc.")
_WK = "WEBKIT"

AGENTS: tuple[Agent, ...] = (
    Agent(30, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.0.0 Safari/537.36",
          ("Chrome", "Chrome", "149.0.0.0", "Browser", _WK), _WIN, "Computer", _DESKTOP,
          ("Chrome", "149", "0", "Windows", "10", "", "", "Other")),
    Agent(14, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.0.0 Safari/537.36",
          ("Chrome", "Chrome", "149.0.0.0", "Browser", _WK), _MACOS, "Computer", _MAC,
          ("Chrome", "149", "0", "Mac OS X", "10", "15", "7", "Mac"), "30"),
    Agent(9, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Safari/605.1.15",
          ("Safari", "Safari", "26.1", "Browser", _WK), _MACOS, "Computer", _MAC,
          ("Safari", "26", "1", "Mac OS X", "10", "15", "7", "Mac"), "30"),
    Agent(16, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1",
          ("Mobile Safari", "Safari", "26.1", "Browser (mobile)", _WK), _IOS, "Mobile", _PHONE,
          ("Mobile Safari", "26", "1", "iOS", "18", "6", "", "iPhone"), "32"),
    Agent(13, "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.0.0 Mobile Safari/537.36",
          ("Chrome Mobile", "Chrome", "149.0.0.0", "Browser (mobile)", _WK), _ANDROID_OS, "Mobile",
          _ANDROID, ("Chrome Mobile", "149", "0", "Android", "10", "", "", "K")),
    Agent(6, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:152.0) Gecko/20100101 Firefox/152.0",
          ("Firefox", "Firefox", "152.0", "Browser", "GECKO"), _WIN, "Computer", _DESKTOP,
          ("Firefox", "152", "0", "Windows", "10", "", "", "Other")),
    Agent(5, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.0.0 Safari/537.36 Edg/149.0.3405.52",
          ("Microsoft Edge", "Edge", "149.0.3405.52", "Browser", _WK), _WIN, "Computer", _DESKTOP,
          ("Edge", "149", "0", "Windows", "10", "", "", "Other")),
    Agent(3, "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:152.0) Gecko/20100101 Firefox/152.0",
          ("Firefox", "Firefox", "152.0", "Browser", "GECKO"), ("Linux", "Linux", "Other"),
          "Computer", _DESKTOP, ("Firefox", "152", "0", "Ubuntu", "", "", "", "Other")),
    Agent(3, "Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.1 Mobile/15E148 Safari/604.1",
          ("Mobile Safari", "Safari", "26.1", "Browser (mobile)", _WK), ("iOS (iPad)", "iOS", "Apple Inc."),
          "Tablet", _TABLET, ("Mobile Safari", "26", "1", "iOS", "18", "6", "", "iPad"), "32"),
    Agent(2, "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36",
          ("Samsung Browser", "Samsung Browser", "28.0", "Browser (mobile)", _WK), _ANDROID_OS,
          "Mobile", _ANDROID, ("Samsung Internet", "28", "0", "Android", "14", "", "", "Samsung SM-S921B")),
)  # fmt: skip

_ROBOT_OS = ("Unknown", "Unknown", "Unknown")
BOTS: tuple[Agent, ...] = (
    Agent(6, "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/149.0.7795.2 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
          ("Robot/Spider", "Robot/Spider", "", "Robot", "OTHER"), _ROBOT_OS, "Unknown", ((412, 732),),
          ("Googlebot", "2", "1", "Android", "6", "0", "1", "Spider"), robot=True),
    Agent(3, "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/149.0.0.0 Safari/537.36",
          ("Robot/Spider", "Robot/Spider", "", "Robot", "OTHER"), _ROBOT_OS, "Unknown", ((1366, 768),),
          ("bingbot", "2", "0", "Other", "", "", "", "Spider"), robot=True),
    Agent(1, "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
          ("Robot/Spider", "Robot/Spider", "", "Robot", "OTHER"), _ROBOT_OS, "Unknown", ((1024, 768),),
          ("AhrefsBot", "7", "0", "Other", "", "", "", "Spider"), robot=True),
)  # fmt: skip
