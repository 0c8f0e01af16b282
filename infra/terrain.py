"""The exit path off archived CDKTF, checked: the app synthesizes under CDK Terrain with only
its imports renamed, and declares the same resources with the same attributes.

    python infra/terrain.py synth OUT        # writes OUT/<stack>.json with this environment's CDK
    python infra/terrain.py compare A B      # the cdktf synthesis A against the cdktn one B

``infra/terrain.sh`` runs both syntheses (CDK Terrain in an isolated environment of
pinned versions) and the comparison; ``.ci/run`` calls it after the tests. Every
difference the comparison accepts is listed in ``EXPECTED`` below, with its reason: any
other difference fails it.
"""

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

# (stack or "*", JSON path under the stack, reason): the values there may differ. In paths,
# "*" matches any key.
EXPECTED: list[tuple[str, tuple[str, ...], str]] = [
    (
        "*",
        ("terraform", "required_providers", "google", "version"),
        "the bindings' provider release: hashicorp/google 6.50.0 -> 8.7.0",
    ),
    (
        "*",
        ("terraform", "required_providers", "google", "source"),
        "cdktf writes the short source `google`, cdktn `hashicorp/google` (the same provider)",
    ),
    (
        "*",
        ("terraform", "required_providers", "google-beta", "version"),
        "google-beta follows the google provider's release (service_agents.GoogleBeta)",
    ),
    (
        "*",
        ("terraform", "required_providers", "time", "version"),
        "the time provider's bindings: 0.13.1 (cdktf-cdktf-provider-time 11) -> 0.14.2 "
        "(cdktn-provider-time 14)",
    ),
]
# Values compared after a normalisation, each with its reason.
NORMALISED: dict[tuple[str, ...], tuple[Callable[[object], object], str]] = {
    ("resource", "google_storage_bucket_object", "*", "source"): (
        lambda path: str(path).rsplit("/", 1)[-1],
        "an asset's staging folder is a hash each CDK computes its own way; the file name "
        "(the loader archive's content hash) must be the same",
    ),
}


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    return len(pattern) == len(path) and all(
        p in ("*", k) for p, k in zip(pattern, path, strict=True)
    )


def synth(out: Path) -> None:
    """Synthesize every stack with whichever CDK this Python has (cdktf, or cdktn aliased)."""
    from snowplow_infra.provider import register_provider_package

    register_provider_package()  # under SNOWPLOW_CDK=cdktn: `cdktf` imports CDK Terrain
    from cdktf import App, TerraformStack, Testing
    from snowplow_infra.app import build_app

    out.mkdir(parents=True, exist_ok=True)
    app = build_app(Testing.app())
    for child in app.node.children:
        if isinstance(child, TerraformStack):
            (out / f"{child.node.id}.json").write_text(Testing.synth(child))
    print(f"{App.__module__.split('.')[0]}: {sorted(p.name for p in out.glob('*.json'))}")


USED: set[int] = set()  # the EXPECTED entries that accepted a real difference


def _expected(stack: str, path: tuple[str, ...], left: object = None, right: object = None) -> bool:
    for index, (where, prefix, _) in enumerate(EXPECTED):
        if where in ("*", stack) and _matches(prefix, path[: len(prefix)]):
            if left != right:
                USED.add(index)
            return True
    return False


def differences(stack: str, left: object, right: object, path: tuple[str, ...] = ()) -> list[str]:
    """Every JSON path where the two syntheses differ and no EXPECTED entry says why."""
    if _expected(stack, path, left, right):
        return []
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                if not _expected(stack, (*path, key), left.get(key), right.get(key)):
                    side = "cdktf" if key in left else "cdktn"
                    found.append(f"{stack}: {'.'.join((*path, key))} only in {side}")
                continue
            found += differences(stack, left[key], right[key], (*path, key))
        return found
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [
            difference
            for index, (a, b) in enumerate(zip(left, right, strict=True))
            for difference in differences(stack, a, b, (*path, str(index)))
        ]
    for pattern, (normalise, _) in NORMALISED.items():
        if _matches(pattern, path):
            left, right = normalise(left), normalise(right)
    if left != right:
        return [f"{stack}: {'.'.join(path)}: {left!r} (cdktf) != {right!r} (cdktn)"]
    return []


def compare(cdktf_dir: Path, cdktn_dir: Path) -> list[str]:
    names = sorted(p.name for p in cdktf_dir.glob("*.json"))
    if not names or names != sorted(p.name for p in cdktn_dir.glob("*.json")):
        return [f"stacks differ: {cdktf_dir} vs {cdktn_dir}"]
    USED.clear()
    found = []
    for name in names:
        left = json.loads((cdktf_dir / name).read_text())
        right = json.loads((cdktn_dir / name).read_text())
        found += differences(name.removesuffix(".json"), left, right)
    # an expected difference that no longer occurs is stale: say so, so the list stays true
    found += [
        f"expected difference no longer seen: {'.'.join(prefix)} ({reason})"
        for index, (_, prefix, reason) in enumerate(EXPECTED)
        if index not in USED
    ]
    return found


def main(argv: list[str]) -> int:
    if argv[:1] == ["synth"] and len(argv) == 2:
        synth(Path(argv[1]))
        return 0
    if argv[:1] == ["compare"] and len(argv) == 3:
        found = compare(Path(argv[1]), Path(argv[2]))
        for line in found:
            print(line)
        resources = sum(
            len(body)
            for path in Path(argv[1]).glob("*.json")
            for body in json.loads(path.read_text()).get("resource", {}).values()
        )
        verdict = "differ" if found else "declare the same resources"
        print(f"cdktf and CDK Terrain syntheses {verdict} ({resources} resources compared)")
        return 1 if found else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
