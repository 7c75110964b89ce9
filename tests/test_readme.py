"""The README's two set-up commands exist, and CI runs the test command verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_two_setup_commands_and_ci_uses_the_test_command():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    blocks = bash_blocks(section)
    assert len(blocks) == 2
    main_job, test_cmd = blocks
    assert "pip install" in main_job and "servmodel " in main_job
    assert "pytest" in test_cmd and '".[test]"' in test_cmd
    # the static checks run before the tests, so that a lint or type error fails fast
    steps = [s.strip() for s in test_cmd.split("&&")]
    checks = ["ruff check src", "ruff format --check src", "mypy"]
    positions = [next(k for k, s in enumerate(steps) if s.endswith(c)) for c in checks]
    assert max(positions) < next(k for k, s in enumerate(steps) if "pytest" in s)
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_cmd in ci.splitlines()
