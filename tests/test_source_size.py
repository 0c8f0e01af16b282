"""No Python file of the repository grows past about 300 lines: one file, one logical unit.

A file that does has grown a second unit inside the first: split it where that unit
begins, under a name that says what it is.
"""

import subprocess
from pathlib import Path

ROOT = Path(__file__).parents[1]
LIMIT = 300


def test_no_python_file_is_over_the_limit() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    sizes = {name: len((ROOT / name).read_text(encoding="utf-8").splitlines()) for name in tracked}
    assert len(sizes) > 200
    assert {name: lines for name, lines in sizes.items() if lines > LIMIT} == {}
