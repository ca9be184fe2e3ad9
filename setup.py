"""Build hook: a wheel carries the schema, the generated ontology files, the bundled data and the
Neo4j pom under ``kg/_bundled/`` (see :func:`kg.config.bundled_dir`), so an installed rekg works
outside the checkout. Everything else is declared in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = {"data": None, "ontology": None, "neo4j": ["pom.xml", "cypher-shell/pom.xml"],
           "docs": ["cypher.md"]}


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "kg" / "_bundled"
        for name, only in BUNDLED.items():
            src, dst = ROOT / name, target / name
            if dst.exists():
                shutil.rmtree(dst)
            if only is None:
                shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                dst.mkdir(parents=True)
                for file in only:
                    (dst / file).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src / file, dst / file)


setup(cmdclass={"build_py": BuildPyWithData})
