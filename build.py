"""`python build.py` does what `fengchao build` does (same options)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fengchao.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["--root", str(Path(__file__).resolve().parent), "build", *sys.argv[1:]]))
