"""Valid enriched TSV lines built from the contract: the input most tests start from."""

import uuid

from snowplow_loader.contract import ENRICHED_FIELDS, Kind

HEADER = "\t".join(f.name for f in ENRICHED_FIELDS)  # a header line: not an event
CONTEXTS = (
    '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",'
    '"data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",'
    '"data":{"id":"%s"}}]}'
)
_SAMPLE: dict[Kind, str] = {
    Kind.STRING: "web",
    Kind.INT: "3",
    Kind.DOUBLE: "51.5",
    Kind.MONEY: "12.50",
    Kind.BOOL: "1",
    Kind.TSTAMP: "2026-10-01 12:00:00.123",
}


def fields(n: int, **overrides: str) -> list[str]:
    """The 131 field texts of a valid event numbered n (n makes event_id unique)."""
    values = []
    for field in ENRICHED_FIELDS:
        if field.name in overrides:
            values.append(overrides[field.name])
        elif field.kind is Kind.UUID:
            values.append(str(uuid.UUID(int=n)))
        elif field.kind is Kind.JSON:
            values.append(CONTEXTS % uuid.UUID(int=n) if field.name == "contexts" else "")
        else:
            values.append(_SAMPLE[field.kind])
    return values


def line(n: int, **overrides: str) -> str:
    return "\t".join(fields(n, **overrides))


def lines(count: int, start: int = 1) -> list[str]:
    return [line(n) for n in range(start, start + count)]
