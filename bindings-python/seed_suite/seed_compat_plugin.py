"""pytest plugin for the seed's test suite (see ``run.py``): applies ``COMPAT.md``.

* Every test listed in ``bindings-python/COMPAT.md`` (a table row whose first
  cell is a node id in backticks and whose second is its kind, ``a`` or ``b``)
  is marked ``xfail(strict=True)``: it must still fail, so an exempt test that
  starts passing fails the run (the list stays honest).
* An exempt id that no collected test has fails the run (a stale list).
* Underscore-private names that the seed's test modules import at module
  level (kind (b)) are given a placeholder that raises when used, so that the
  module is collected and its other tests run. Our package never defines them.
* The closing summary gives the counts: passed, exempt by kind, failed.
"""
from __future__ import annotations

import importlib
import os
import re
from typing import Any

import pytest

# (module, name) imported at module level by a seed test file, which our package does not provide.
PRIVATE_IMPORTS: list[tuple[str, str]] = [
    ("presidio_x402.mpa", "_canonical_payload"),
]

ROW = re.compile(r"^\|\s*`(tests/[^`]+)`\s*\|\s*(a|b|p)\s*\|(.*)$")


def load_exemptions(path: str) -> dict[str, tuple[str, str]]:
    """node id -> (kind, reason) from the COMPAT.md tables."""
    out: dict[str, tuple[str, str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            m = ROW.match(line.strip())
            if m:
                if m.group(1) in out:
                    raise pytest.UsageError(f"COMPAT.md lists {m.group(1)} twice")
                out[m.group(1)] = (m.group(2), m.group(3).strip().strip("|").strip())
    return out


class _Private:
    """Placeholder for an underscore-private seed name: any use raises."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __call__(self, *a: Any, **k: Any) -> Any:
        raise AttributeError(f"{self._name} is underscore-private in the seed and not part of our API (COMPAT.md, kind "
                             f"b)")

    def __getattr__(self, attr: str) -> Any:
        raise AttributeError(f"{self._name} is underscore-private in the seed and not part of our API (COMPAT.md, kind "
                             f"b)")


class SeedCompat:
    def __init__(self, path: str) -> None:
        self.path = path
        self.exempt = load_exemptions(path)
        self.collected: list[str] = []
        self.outcomes: dict[str, str] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: Any) -> None:
        for mod, name in PRIVATE_IMPORTS:
            m = importlib.import_module(mod)
            if hasattr(m, name):
                raise pytest.UsageError(f"{mod}.{name} now exists: drop it from PRIVATE_IMPORTS")
            setattr(m, name, _Private(f"{mod}.{name}"))

    def pytest_collection_modifyitems(self, session: Any, config: Any, items: list[Any]) -> None:
        for item in items:
            self.collected.append(item.nodeid)
            ex = self.exempt.get(item.nodeid)
            if ex:
                item.add_marker(pytest.mark.xfail(strict=True, reason=f"COMPAT.md kind ({ex[0]}): {ex[1][:120]}"))

    def pytest_runtest_logreport(self, report: Any) -> None:
        nid = report.nodeid
        if report.when == "call" or (report.when == "setup" and (report.failed or report.skipped)):
            if nid in self.exempt and report.failed and "XPASS(strict)" in str(report.longrepr):
                self.outcomes[nid] = "xpassed"  # a listed test that passes: strict xfail fails the run
            elif hasattr(report, "wasxfail"):
                self.outcomes[nid] = "xpassed" if report.passed else "xfailed"
            else:
                self.outcomes[nid] = report.outcome

    def pytest_sessionfinish(self, session: Any, exitstatus: int) -> None:
        stale = sorted(set(self.exempt) - set(self.collected))
        if stale and session.exitstatus == 0:
            session.exitstatus = 1
        self.stale = stale

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        tr = terminalreporter
        o = self.outcomes
        passed = sorted(n for n, v in o.items() if v == "passed")
        failed = sorted(n for n, v in o.items() if v == "failed")
        skipped = sorted(n for n, v in o.items() if v == "skipped")
        xfailed = sorted(n for n, v in o.items() if v == "xfailed")
        xpassed = sorted(n for n, v in o.items() if v == "xpassed")
        by_kind = {"a": 0, "b": 0, "p": 0}
        for n in xfailed:
            by_kind[self.exempt[n][0]] += 1
        tr.section("seed suite (presidio-hardened-x402 0.3.0 tests against this package)")
        for n in xpassed:
            tr.write_line(f"EXEMPT BUT PASSES (remove it from COMPAT.md): {n}")
        for n in self.stale:
            tr.write_line(f"EXEMPT BUT NOT COLLECTED (stale COMPAT.md row): {n}")
        for n in failed:
            tr.write_line(f"FAILS AND IS NOT EXEMPT: {n}")
        tr.write_line(f"seed tests: {len(self.collected)} collected, {len(passed)} pass, "
                      f"{len(xfailed)} listed (kind a: {by_kind['a']}, kind b: {by_kind['b']}, pending p: "
                      f"{by_kind['p']}), "
                      f"{len(failed)} fail, {len(xpassed)} exempt-but-pass, {len(skipped)} skipped")


def pytest_configure(config: Any) -> None:
    path = os.environ.get("SEED_COMPAT_MD")
    if not path:
        raise pytest.UsageError("SEED_COMPAT_MD is not set (run through bindings-python/seed_suite/run.py)")
    config.pluginmanager.register(SeedCompat(path), "seed-compat")
