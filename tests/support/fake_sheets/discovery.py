"""Requests checked against the Sheets discovery document: route, query and body schema.

The real API refuses unknown fields, wrong types and values outside an enum with a 400;
so does this check, so a request the fake accepts is one whose shape Sheets accepts.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import googleapiclient


class InvalidRequestError(ValueError):
    """The request does not match the discovery document."""


@dataclass(frozen=True)
class Route:
    """A matched API method and its decoded path and query parameters."""

    method_id: str
    path: dict[str, str]
    query: dict[str, list[str]]
    request_schema: str | None
    response_schema: str | None


@cache
def document() -> dict[str, Any]:
    """sheets.v4.json as google-api-python-client ships it."""
    shipped = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    loaded: dict[str, Any] = json.loads((shipped / "sheets.v4.json").read_text())
    return loaded


def _methods(resource: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(resource.get("methods", {}).values())
    for child in resource.get("resources", {}).values():
        found += _methods(child)
    return found


@cache
def _routes() -> list[tuple[str, re.Pattern[str], dict[str, Any]]]:
    routes = []
    for method in _methods(document()):
        template = "/" + document()["servicePath"] + method["flatPath"]
        pattern = re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
        pattern = re.sub(r"{(\w+)}", r"(?P<\1>[^/:]+)", pattern)
        routes.append((method["httpMethod"], re.compile(f"^{pattern}$"), method))
    return routes


def route(http_method: str, url: str) -> Route:
    """The method a request calls; InvalidRequestError if none, or a query parameter is wrong."""
    parts = urlsplit(url)
    for verb, pattern, method in _routes():
        matched = pattern.match(parts.path)
        if verb != http_method or not matched:
            continue
        query = parse_qs(parts.query, keep_blank_values=True)
        parameters = {**document()["parameters"], **method.get("parameters", {})}
        for name, values in query.items():
            spec = parameters.get(name)
            if spec is None or spec.get("location") != "query":
                raise InvalidRequestError(f"{method['id']}: unknown query parameter {name!r}")
            if len(values) > 1 and not spec.get("repeated"):
                raise InvalidRequestError(f"{method['id']}: {name!r} given {len(values)} times")
            for value in values:
                _check_scalar(spec, value, f"query {name}", from_text=True)
        for name, spec in parameters.items():
            if spec.get("required") and spec.get("location") == "query" and name not in query:
                raise InvalidRequestError(
                    f"{method['id']}: required query parameter {name!r} missing"
                )
        return Route(
            method["id"],
            {name: unquote(value) for name, value in matched.groupdict().items()},
            query,
            method.get("request", {}).get("$ref"),
            method.get("response", {}).get("$ref"),
        )
    raise InvalidRequestError(f"no Sheets API method answers {http_method} {parts.path}")


def _check_scalar(spec: dict[str, Any], value: Any, where: str, from_text: bool = False) -> None:
    kind = spec.get("type")
    if kind == "string":
        ok = isinstance(value, str) or (spec.get("format") == "int64" and type(value) is int)
    elif kind == "integer":
        ok = type(value) is int or (from_text and re.fullmatch(r"-?\d+", str(value)) is not None)
    elif kind == "number":
        ok = type(value) in (int, float) or from_text
    elif kind == "boolean":
        ok = type(value) is bool or (from_text and value in ("true", "false"))
    else:
        ok = kind == "any"
    if not ok:
        raise InvalidRequestError(f"{where}: {value!r} is not a {kind}")
    if "enum" in spec and value not in spec["enum"]:
        raise InvalidRequestError(f"{where}: {value!r} is not one of {', '.join(spec['enum'])}")


def check_body(schema_name: str, body: Any, where: str = "") -> None:
    """Validate a JSON body against a named schema; the error names the first bad field."""
    _check(document()["schemas"][schema_name], body, where or schema_name)


def _check(spec: dict[str, Any], value: Any, where: str) -> None:
    if "$ref" in spec:
        spec = document()["schemas"][spec["$ref"]]
    kind = spec.get("type")
    if kind == "object":
        if not isinstance(value, dict):
            raise InvalidRequestError(f"{where}: expected an object, got {type(value).__name__}")
        properties = spec.get("properties")
        for key, item in value.items():
            if properties is not None and key in properties:
                _check(properties[key], item, f"{where}.{key}")
            elif "additionalProperties" in spec:
                _check(spec["additionalProperties"], item, f"{where}.{key}")
            else:
                raise InvalidRequestError(
                    f'{where}: InvalidRequestError JSON payload received. Unknown name "{key}"'
                )
    elif kind == "array":
        if not isinstance(value, list):
            raise InvalidRequestError(f"{where}: expected a list, got {type(value).__name__}")
        items = spec["items"]
        if items.get("type") == "array" and items["items"].get("type") == "any":
            if not all(isinstance(row, list) for row in value):  # cell grids: rows of anything
                raise InvalidRequestError(f"{where}: every row must be a list")
            return
        for index, item in enumerate(value):
            _check(items, item, f"{where}[{index}]")
    else:
        _check_scalar(spec, value, where)


def check_fields(schema_name: str, mask: str, where: str = "fields") -> None:
    """A partial-response mask (`a,b(c,d/e)`) must name fields the response schema has,
    as Sheets answers 400 to an unknown one."""
    _check_mask(document()["schemas"][schema_name], mask, where)


def _split(mask: str) -> list[str]:
    """Top-level comma-separated parts of a mask, parentheses kept together."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(mask):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise InvalidRequestError(f"unbalanced parentheses in field mask {mask!r}")
        if char == "," and depth == 0:
            parts.append(mask[start:index])
            start = index + 1
    if depth:
        raise InvalidRequestError(f"unbalanced parentheses in field mask {mask!r}")
    return [*parts, mask[start:]]


def _field(spec: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    """The schema of a field of an object schema (through lists and references)."""
    while "$ref" in spec or spec.get("type") == "array":
        spec = document()["schemas"][spec["$ref"]] if "$ref" in spec else spec["items"]
    properties = spec.get("properties", {})
    if name not in properties:
        raise InvalidRequestError(f"{where}: Invalid field selection {name}")
    found: dict[str, Any] = properties[name]
    return found


def _check_mask(spec: dict[str, Any], mask: str, where: str) -> None:
    for part in _split(mask.strip()):
        head, _, nested = part.partition("(")
        inner = spec
        for name in head.strip().split("/"):
            inner = _field(inner, name, where)
        if nested:
            _check_mask(inner, nested[:-1], f"{where}.{head}")
