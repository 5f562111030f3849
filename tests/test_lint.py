"""ruff (pycodestyle, pyflakes, import order; settings in pyproject.toml) finds nothing in the repository."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_tree_is_lint_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"ruff check . found problems (ruff check --fix . mends some):\n{result.stdout}"
