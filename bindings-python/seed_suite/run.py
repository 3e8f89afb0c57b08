"""Runs presidio-hardened-x402==0.3.0's own test suite against OUR package.

1. Downloads the 0.3.0 sdist from PyPI with pip (once; cached under
   ``<cache>/seed-sdist``, never committed) and checks its pinned sha256.
2. Extracts its ``tests/`` into ``<cache>/seed-suite`` (fresh every run).
3. Runs them with the given Python's pytest (the venv of ``make python-venv``,
   where our package is installed) and the plugin ``seed_compat_plugin``, which
   marks the exemptions listed in ``bindings-python/COMPAT.md``.

Exit status: pytest's (0 only when every non-exempt test passes, every exempt
test still fails, and every exempt id exists).

    python bindings-python/seed_suite/run.py --python .cache/venv-python/bin/python --cache .cache
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile

SDIST = "presidio_hardened_x402-0.3.0.tar.gz"
SHA256 = "4416a1ed8eb095eb7a98e47af86c660e7d7c48eb40c9761e5f1e202564b0c254"
HERE = os.path.dirname(os.path.abspath(__file__))
COMPAT = os.path.join(os.path.dirname(HERE), "COMPAT.md")


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def fetch(python: str, cache: str) -> str:
    d = os.path.join(cache, "seed-sdist")
    path = os.path.join(d, SDIST)
    if not os.path.isfile(path) or sha256(path) != SHA256:
        os.makedirs(d, exist_ok=True)
        subprocess.run([python, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        "presidio-hardened-x402==0.3.0", "-d", d], check=True)
    got = sha256(path)
    if got != SHA256:
        os.remove(path)
        sys.exit(f"seed suite: {SDIST} has sha256 {got}, expected {SHA256}: removed, not run")
    return path


def extract_tests(sdist: str, dest: str) -> None:
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)
    prefix = "presidio_hardened_x402-0.3.0/tests/"
    with tarfile.open(sdist, "r:gz") as tf:
        for m in tf.getmembers():
            if not m.name.startswith(prefix) or not m.isfile():
                continue
            rel = m.name[len("presidio_hardened_x402-0.3.0/"):]
            if os.path.isabs(rel) or ".." in rel.split("/"):
                sys.exit(f"seed suite: refusing member {m.name!r}")
            out = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            src = tf.extractfile(m)
            if src is None:
                sys.exit(f"seed suite: cannot read member {m.name!r}")
            with open(out, "wb") as fh:
                fh.write(src.read())
    with open(os.path.join(dest, "pytest.ini"), "w") as fh:
        # The seed's own pytest settings (its pyproject.toml), minus coverage.
        fh.write("[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
                 "addopts = --strict-markers --tb=short -q\n")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", required=True, help="the Python of the venv where our package is installed")
    ap.add_argument("--cache", required=True, help="the cache directory (.cache)")
    ap.add_argument("pytest_args", nargs="*")
    a = ap.parse_args()
    cache = os.path.abspath(a.cache)
    a.python = os.path.abspath(a.python)  # not resolved: a venv python is a symlink
    sdist = fetch(a.python, cache)
    dest = os.path.join(cache, "seed-suite")
    extract_tests(sdist, dest)
    env = dict(os.environ)
    env["PYTHONPATH"] = HERE  # the plugin only: the package under test is the installed one
    env["SEED_COMPAT_MD"] = COMPAT
    env.pop("PRESIDIO_X402_CHAIN_KEY", None)
    env.pop("PRESIDIO_X402_FINGERPRINT_KEY", None)
    cmd = [a.python, "-m", "pytest", "-p", "seed_compat_plugin", "-p", "no:cacheprovider", "-c", "pytest.ini",
           "--rootdir", dest, "tests", *a.pytest_args]
    return subprocess.run(cmd, cwd=dest, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
