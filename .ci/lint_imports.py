"""Check the import contracts of pyproject.toml ([tool.importlinter], docs/layout.md) with import-linter.

import-linter reads a package from its folder, and this checkout maps `lexgraph.engine` to engine/,
`lexgraph.compliance` to compliance/ … (pyproject's [tool.setuptools.package-dir]); so the Python
sources are copied, laid out as they are installed, and the contracts checked on the copy.
Usage: .venv/bin/python .ci/lint_imports.py   (exit status: lint-imports')
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    config = ROOT / "pyproject.toml"
    package_dir: dict[str, str] = tomllib.loads(config.read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-dir"
    ]
    with tempfile.TemporaryDirectory(prefix="lexgraph-imports-") as tmp:
        for package, folder in sorted(package_dir.items()):  # parents before their subpackages
            target = Path(tmp, *package.split("."))
            target.mkdir(parents=True, exist_ok=True)
            for source in (ROOT / folder).rglob("*.py"):  # with its subpackages (compliance/cli, …)
                if ".venv" not in source.parts and "_build" not in source.parts:
                    (target / source.relative_to(ROOT / folder)).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, target / source.relative_to(ROOT / folder))
        lint = Path(sys.executable).with_name("lint-imports")
        env = {**os.environ, "PYTHONPATH": tmp}
        return subprocess.run([str(lint), str(config)], cwd=tmp, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
