# ruff: noqa: E501  (one-line table rows read better unbroken)
"""The fixed world the traffic lives in: places, pages, referrers and campaigns.

Everything here is plain data so that what a generated event may contain can be read
in one place, with the browsers and crawlers in ``agents``. Hosts are
example.com/example.org and IP addresses come only from the documentation ranges
(RFC 5737), so no generated row points at a real person or site.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class City:
    """Where an IP lookup places a user (MaxMind-style codes), plus the browser language."""

    weight: float
    country: str
    region: str
    name: str
    zipcode: str
    latitude: str
    longitude: str
    region_name: str
    timezone: str
    lang: str


CITIES: tuple[City, ...] = (
    City(14, "GB", "ENG", "London", "EC1A", "51.5085", "-0.1257", "England", "Europe/London", "en-GB"),
    City(4, "GB", "ENG", "Manchester", "M1", "53.4809", "-2.2374", "England", "Europe/London", "en-GB"),
    City(4, "IE", "L", "Dublin", "D02", "53.3331", "-6.2489", "Leinster", "Europe/Dublin", "en-IE"),
    City(6, "FR", "IDF", "Paris", "75001", "48.8534", "2.3488", "Île-de-France", "Europe/Paris", "fr-FR"),
    City(6, "DE", "BE", "Berlin", "10115", "52.5244", "13.4105", "Land Berlin", "Europe/Berlin", "de-DE"),
    City(4, "DE", "BY", "München", "80331", "48.1374", "11.5755", "Bayern", "Europe/Berlin", "de-DE"),
    City(4, "NL", "NH", "Amsterdam", "1012", "52.3740", "4.8897", "North Holland", "Europe/Amsterdam", "nl-NL"),
    City(3, "ES", "MD", "Madrid", "28013", "40.4165", "-3.7026", "Madrid", "Europe/Madrid", "es-ES"),
    City(3, "SE", "AB", "Stockholm", "111 20", "59.3326", "18.0649", "Stockholm County", "Europe/Stockholm", "sv-SE"),
    City(12, "US", "NY", "New York", "10001", "40.7143", "-74.0060", "New York", "America/New_York", "en-US"),
    City(8, "US", "CA", "San Francisco", "94103", "37.7749", "-122.4194", "California", "America/Los_Angeles", "en-US"),
    City(5, "US", "TX", "Austin", "78701", "30.2672", "-97.7431", "Texas", "America/Chicago", "en-US"),
    City(4, "US", "IL", "Chicago", "60601", "41.8500", "-87.6500", "Illinois", "America/Chicago", "en-US"),
    City(4, "CA", "ON", "Toronto", "M5H", "43.7001", "-79.4163", "Ontario", "America/Toronto", "en-CA"),
    City(3, "BR", "SP", "São Paulo", "01000", "-23.5475", "-46.6361", "São Paulo", "America/Sao_Paulo", "pt-BR"),
    City(4, "AU", "NSW", "Sydney", "2000", "-33.8678", "151.2073", "New South Wales", "Australia/Sydney", "en-AU"),
    City(3, "JP", "13", "Tokyo", "100-0001", "35.6895", "139.6917", "Tokyo", "Asia/Tokyo", "ja-JP"),
    City(3, "IN", "KA", "Bengaluru", "560001", "12.9719", "77.5937", "Karnataka", "Asia/Kolkata", "en-IN"),
    City(2, "SG", "", "Singapore", "", "1.2897", "103.8501", "", "Asia/Singapore", "en-SG"),
)  # fmt: skip

CRAWLER_HOME = City(1, "US", "CA", "Mountain View", "94043", "37.4056", "-122.0775", "California",
                    "America/Los_Angeles", "en-US")  # fmt: skip

IP_PREFIXES = ("192.0.2.", "198.51.100.", "203.0.113.")  # RFC 5737: documentation only


@dataclass(frozen=True)
class Page:
    """A page of the site: where it lives, what it is called and how tall it renders."""

    app_id: str
    host: str
    path: str
    title: str
    height: int
    weight: float


_WWW, _DOCS = "www.example.com", "docs.example.com"
_BRAND = " | Acme Analytics"
_POSTS = (
    ("sessionization-explained", "Sessionization, explained"),
    ("first-party-cookies-2026", "First-party cookies in 2026"),
    ("engaged-time-vs-time-on-page", "Engaged time vs. time on page"),
    ("building-a-customer-360", "Building a customer 360 from raw events"),
    ("bot-traffic-in-your-data", "How much of your traffic is bots?"),
    ("dbt-incremental-models", "Incremental models that survive late data"),
    ("utm-hygiene", "UTM hygiene: a field guide"),
    ("consent-and-analytics", "Consent and analytics can coexist"),
    ("warehouse-costs", "Keeping warehouse costs flat as events grow"),
    ("identity-stitching", "Identity stitching without the headaches"),
)
PAGES: tuple[Page, ...] = (
    Page("website", _WWW, "/", "Acme Analytics - Behavioural data for product teams", 5200, 22),
    Page("website", _WWW, "/pricing", "Pricing" + _BRAND, 3800, 9),
    Page("website", _WWW, "/product/tracking", "Event tracking" + _BRAND, 4600, 6),
    Page("website", _WWW, "/product/modeling", "Data modeling" + _BRAND, 4400, 5),
    Page("website", _WWW, "/product/activation", "Audience activation" + _BRAND, 4100, 4),
    Page("website", _WWW, "/customers", "Customer stories" + _BRAND, 3900, 3),
    Page("website", _WWW, "/about", "About us" + _BRAND, 2600, 2),
    Page("website", _WWW, "/careers", "Careers" + _BRAND, 3100, 2),
    Page("website", _WWW, "/contact", "Contact sales" + _BRAND, 1900, 2),
    Page("website", _WWW, "/signup", "Start your free trial" + _BRAND, 1500, 3),
    Page("website", _WWW, "/login", "Log in" + _BRAND, 1100, 3),
    Page("website", _WWW, "/blog/", "Blog" + _BRAND, 6200, 5),
    *(Page("website", _WWW, f"/blog/{slug}", title + _BRAND, 7400, 2.5) for slug, title in _POSTS),
    Page("docs", _DOCS, "/", "Documentation - Acme Analytics", 3000, 3),
    Page("docs", _DOCS, "/getting-started", "Getting started - Acme Analytics Docs", 5200, 3),
    Page("docs", _DOCS, "/tracking/javascript", "JavaScript tracker - Acme Analytics Docs", 9800, 2),
    Page("docs", _DOCS, "/tracking/activity", "Activity tracking - Acme Analytics Docs", 6100, 1),
    Page("docs", _DOCS, "/modeling/sessions", "Sessions model - Acme Analytics Docs", 7200, 1),
    Page("docs", _DOCS, "/api/reference", "API reference - Acme Analytics Docs", 12000, 1),
)  # fmt: skip
DOC_FRAGMENTS = ("installation", "configuration", "examples", "troubleshooting")

EXTERNAL_LINKS = (
    "https://github.com/example/acme-tracker",
    "https://www.linkedin.com/company/example",
    "https://www.youtube.com/@example",
    "https://partner.example.org/integrations/acme",
    "https://status.example.net/",
)


@dataclass(frozen=True)
class Referrer:
    """Where a landing visit came from, as Snowplow's referer parser classifies it."""

    weight: float
    url: str  # "" for a direct visit
    medium: str
    source: str
    term: str = ""


REFERRERS: tuple[Referrer, ...] = (
    Referrer(30, "", "", ""),
    Referrer(26, "https://www.google.com/", "search", "Google"),
    Referrer(4, "https://www.bing.com/search?q=event+analytics+pipeline", "search", "Bing",
             "event analytics pipeline"),
    Referrer(2, "https://duckduckgo.com/", "search", "DuckDuckGo"),
    Referrer(4, "https://www.linkedin.com/", "social", "LinkedIn"),
    Referrer(3, "https://t.co/", "social", "Twitter"),
    Referrer(2, "https://www.facebook.com/", "social", "Facebook"),
    Referrer(2, "https://www.reddit.com/r/dataengineering/", "social", "Reddit"),
    Referrer(2, "https://mail.google.com/", "email", "Gmail"),
    Referrer(1, "https://outlook.live.com/", "email", "Outlook.com"),
    Referrer(5, "https://blog.example.org/2026/10/analytics-stack", "unknown", ""),
    Referrer(3, "https://news.example.net/item?id=48213", "unknown", ""),
)  # fmt: skip


@dataclass(frozen=True)
class Campaign:
    """UTM tags on a landing URL, with the referrer such a click really comes from."""

    source: str
    medium: str
    name: str
    term: str
    content: str
    referrer: Referrer
    click_param: str = ""  # gclid / msclkid
    network: str = ""


_R = {r.source or r.url: r for r in REFERRERS}
CAMPAIGNS: tuple[Campaign, ...] = (
    Campaign("google", "cpc", "brand-search", "acme analytics", "", _R["Google"], "gclid", "Google"),
    Campaign("bing", "cpc", "generic-search", "web analytics", "", _R["Bing"], "msclkid", "Microsoft"),
    Campaign("newsletter", "email", "2026-10-product-update", "", "hero-button", _R["Gmail"]),
    Campaign("newsletter", "email", "2026-10-product-update", "", "footer-link", _R[""]),
    Campaign("linkedin", "paid-social", "q4-webinar", "", "carousel-2", _R["LinkedIn"]),
    Campaign("partner", "referral", "integration-launch", "", "", _R["https://blog.example.org/2026/10/analytics-stack"]),
)  # fmt: skip

STRUCT_EVENTS: tuple[tuple[str, str, str, str, str], ...] = (
    # se_category, se_action, se_label, se_property, se_value
    ("video", "play", "product-tour", "hero", "94"),
    ("newsletter", "subscribe", "footer", "", ""),
    ("pricing", "toggle_billing", "annual", "", ""),
    ("docs", "copy_code", "install-snippet", "npm", ""),
    ("search", "search", "sessions", "", "12"),
    ("cta", "click", "start-trial", "header", ""),
)
LOGIN_EVENT = ("account", "login", "password", "", "")

TRACKER_VERSIONS = (("js-3.24.2", 60.0), ("js-3.23.1", 30.0), ("js-3.17.0", 10.0))
NAME_TRACKER = "sp"
V_COLLECTOR = "ssc-2.10.0-googlepubsub"
V_ETL = "snowplow-enrich-pubsub-3.9.0-common-3.9.0"
