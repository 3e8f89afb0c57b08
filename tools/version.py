"""The release version, held once in the root ``VERSION`` file.

Every published artifact carries it: the Cargo workspace
(``[workspace.package] version``, which every member inherits with
``version.workspace = true``), the npm package (``bindings-js/package.json``
and its lock file) and the Python package (``bindings-python/pyproject.toml``
and ``presidio_x402.__version__``).

    python3 tools/version.py            # check: exit 1 and name every file that differs
    python3 tools/version.py set 0.5.0  # write VERSION and every copy, then run the check

Cargo.lock's entries for the workspace crates are checked too (the
component is built ``--locked``). The WIT package version (``presidio:x402@0.1.0``)
is not the release version:
it names the component's interface and changes only when the interface does.
Stdlib only (``make lint`` runs the check before anything is built).
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION_FILE = ROOT / "VERSION"
#: MAJOR.MINOR.PATCH only: pre-release suffixes are spelled differently by npm/Cargo (0.5.0-rc.1)
#: and Python (0.5.0rc1), so one string could not name every artifact.
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
WORKSPACE_MEMBERS = re.compile(r"^members\s*=\s*\[(.*?)\]", re.M | re.S)


def _toml_section_value(text: str, section: str, key: str) -> tuple[str | None, re.Match[str] | None]:
    """The string value of ``key`` in ``[section]`` of a TOML text (flat, one-line values)."""
    m = re.search(rf"^\[{re.escape(section)}\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if not m:
        return None, None
    v = re.search(rf'^{re.escape(key)}\s*=\s*"([^"]*)"', m.group(1), re.M)
    if not v:
        return None, None
    return v.group(1), v


def _locked(name: str) -> str | None:
    """The version Cargo.lock records for the workspace crate ``name``."""
    lock = (ROOT / "Cargo.lock").read_text()
    m = re.search(rf'^\[\[package\]\]\nname = "{re.escape(name)}"\nversion = "([^"]*)"', lock, re.M)
    return m.group(1) if m else None


def found() -> list[tuple[str, str | None]]:
    """Every place the version is written: (where, value or None when it is missing)."""
    out: list[tuple[str, str | None]] = []
    cargo = (ROOT / "Cargo.toml").read_text()
    out.append(("Cargo.toml [workspace.package] version",
                _toml_section_value(cargo, "workspace.package", "version")[0]))
    members = WORKSPACE_MEMBERS.search(cargo)
    for member in re.findall(r'"([^"]+)"', members.group(1) if members else ""):
        manifest = (ROOT / member / "Cargo.toml").read_text()
        inherits = re.search(r"^version\.workspace\s*=\s*true\s*$", manifest, re.M) is not None
        out.append((f"{member}/Cargo.toml version.workspace = true", out[0][1] if inherits else None))
        name = _toml_section_value(manifest, "package", "name")[0]
        out.append((f"Cargo.lock {name}", _locked(name or "")))
    pkg = json.loads((ROOT / "bindings-js/package.json").read_text())
    out.append(("bindings-js/package.json version", pkg.get("version")))
    lock = json.loads((ROOT / "bindings-js/package-lock.json").read_text())
    out.append(("bindings-js/package-lock.json version", lock.get("version")))
    out.append(('bindings-js/package-lock.json packages[""].version',
                lock.get("packages", {}).get("", {}).get("version")))
    pyproject = (ROOT / "bindings-python/pyproject.toml").read_text()
    out.append(("bindings-python/pyproject.toml [project] version",
                _toml_section_value(pyproject, "project", "version")[0]))
    init = (ROOT / "bindings-python/presidio_x402/__init__.py").read_text()
    m = re.search(r'^__version__\s*=\s*"([^"]*)"', init, re.M)
    out.append(("bindings-python/presidio_x402/__init__.py __version__", m.group(1) if m else None))
    return out


def check() -> int:
    """0 when every copy equals ``VERSION``; else 1, naming each one that differs."""
    want = VERSION_FILE.read_text().strip()
    if not SEMVER.match(want):
        print(f"version: VERSION holds {want!r}, not MAJOR.MINOR.PATCH", file=sys.stderr)
        return 1
    bad = [(where, got) for where, got in found() if got != want]
    for where, got in bad:
        print(f"version: {where} is {got!r}, VERSION is {want!r}", file=sys.stderr)
    if bad:
        print("version: run `python3 tools/version.py set <version>` to write one version everywhere", file=sys.stderr)
        return 1
    print(f"version: {want} in VERSION, Cargo, npm and Python ({len(found())} places agree)")
    return 0


def set_version(new: str) -> int:
    """Writes ``new`` into VERSION and every copy (lock files included), then checks."""
    if not SEMVER.match(new):
        print(f"version: {new!r} is not MAJOR.MINOR.PATCH", file=sys.stderr)
        return 1
    VERSION_FILE.write_text(new + "\n")

    def sub_section(path: Path, section: str, key: str) -> None:
        text = path.read_text()
        _, m = _toml_section_value(text, section, key)
        if m is None:
            raise SystemExit(f"version: no {key} in [{section}] of {path}")
        start = re.search(rf"^\[{re.escape(section)}\]\s*$", text, re.M).end()  # type: ignore[union-attr]
        a, b = start + m.start(1), start + m.end(1)
        path.write_text(text[:a] + new + text[b:])

    sub_section(ROOT / "Cargo.toml", "workspace.package", "version")
    sub_section(ROOT / "bindings-python/pyproject.toml", "project", "version")
    init = ROOT / "bindings-python/presidio_x402/__init__.py"
    init.write_text(re.sub(r'^__version__\s*=\s*"[^"]*"', f'__version__ = "{new}"', init.read_text(),
                           count=1, flags=re.M))
    # npm: only the package's own version lines (top level; the lock's packages[""]), layout kept
    pkg = ROOT / "bindings-js/package.json"
    pkg.write_text(re.sub(r'^(  "version": )"[^"]*"', rf'\g<1>"{new}"', pkg.read_text(), count=1, flags=re.M))
    lock = ROOT / "bindings-js/package-lock.json"
    text = re.sub(r'^(  "version": )"[^"]*"', rf'\g<1>"{new}"', lock.read_text(), count=1, flags=re.M)
    root = text.index('\n    "": {')
    head, tail = text[:root], text[root:]
    lock.write_text(head + re.sub(r'^(      "version": )"[^"]*"', rf'\g<1>"{new}"', tail, count=1, flags=re.M))
    # Cargo.lock: the workspace crates' own entries (what `cargo build` would write)
    cargo_lock = ROOT / "Cargo.lock"
    text = cargo_lock.read_text()
    for where, _ in found():
        if where.startswith("Cargo.lock "):
            name = re.escape(where.split(" ", 1)[1])
            text = re.sub(rf'^(\[\[package\]\]\nname = "{name}"\nversion = )"[^"]*"', rf'\g<1>"{new}"', text,
                          count=1, flags=re.M)
    cargo_lock.write_text(text)
    return check()


def main(argv: list[str]) -> int:
    """Command line: no argument checks, ``set X`` writes."""
    if not argv:
        return check()
    if len(argv) == 2 and argv[0] == "set":
        return set_version(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
