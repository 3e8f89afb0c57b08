"""``make test-dist``: the release artifacts of ``make dist``, installed the
way a user installs them (README "Install").

1. The wheel's and the sdist's contents: ``presidio_x402.wasm`` (the bytes of
   ``target/presidio_x402.wasm``), every module of ``presidio_x402`` (found by
   package discovery, so new modules need no list), the version of
   ``VERSION``, ``py3-none-any``, no tests.
2. The wheel (with its ``[x402]`` extra) in a clean venv with **no Rust on
   PATH** runs the seed's Quick Start (``quickstart_seed.py``) against the
   local x402 world (``examples/x402-world/world.mjs``): a real paid call,
   settled by the world's facilitator, the PII redacted before it got there.
3. ``pip install ./bindings-python`` from a fresh checkout (the tracked files:
   no component) fails at install time, says what to run, installs nothing.
4. The sdist in a clean venv with no Rust: built there by pip (no cache),
   imported, and one decision (a payment over the per-call limit refused
   before any signer is called).
5. The npm tarball's contents: the wasm, every ``exports``/``bin``/``types``
   target, no tests, no source maps, the version of ``VERSION``.
6. The npm tarball installed alone into an empty project (``npm init -y``,
   outside the checkout): imported as ESM (``.`` and ``./node``; CommonJS too
   when the package claims it) and deciding; then, with a signer library
   added, one payment against the world, and its audit log verified by the
   package's own ``presidio-x402`` bin.
7. ``dist/SHA256SUMS`` matches the files.

Prints one line per check and ``test-dist: N passed, M failed``; exit 1 on a
failure. Stdlib only.

    python3 tests/dist/run.py --dist dist --world examples/x402-world --work .cache/dist-test
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import traceback
import zipfile
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VERSION = (ROOT / "VERSION").read_text().strip()
LICENSE = (ROOT / "LICENSE").read_bytes()  # copied into the wheel, the sdist and the npm tarball
NOTICE = (ROOT / "NOTICE").read_bytes()  # likewise: third-party notices (WordNet)
DIST_NAME = "presidio_hardened_x402"
NPM_NAME = "presidio-hardened-x402"
EMAIL = "alice.smith@example.com"  # in the world's PII route (world.mjs EMAIL)
# Environment variables that change what an install or an import sees: never passed on.
SCRUBBED = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PRESIDIO_X402_WASM",
            "PRESIDIO_X402_CHAIN_KEY", "PRESIDIO_X402_FINGERPRINT_KEY", "NODE_PATH")


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(cmd: List[str], *, env: Optional[Dict[str, str]] = None, cwd: Optional[Path] = None,
        check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Runs ``cmd``, capturing its output; on an unexpected exit status the output is in the error."""
    p = subprocess.run(cmd, env=env, cwd=cwd, text=True, capture_output=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, cmd))} exited {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p


def no_rust_env(venv: Optional[Path], work: Path) -> Dict[str, str]:
    """This process's environment without any Rust toolchain: PATH loses every
    folder holding ``cargo``, ``rustc`` or ``rustup`` (and ~/.cargo/bin),
    CARGO*/RUSTUP*/RUST* variables go, and so do the variables in SCRUBBED.
    The venv's bin (when given) comes first. pip keeps its own cache (the
    downloads); the package's compiled-component cache is a fresh folder
    under ``work``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CARGO", "RUSTUP", "RUST")) and k not in SCRUBBED}
    keep = []
    for d in env.get("PATH", "").split(os.pathsep):
        if not d or ".cargo" in d or "rustup" in d:
            continue
        if any(shutil.which(tool, path=d) for tool in ("cargo", "rustc", "rustup")):
            continue
        keep.append(d)
    if venv is not None:
        keep.insert(0, str(venv / "bin"))
    env["PATH"] = os.pathsep.join(keep)
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "pip")
    env["XDG_CACHE_HOME"] = str(work / "xdg-cache")  # presidio_x402's compiled-component cache starts empty
    for tool in ("cargo", "rustc", "rustup"):
        assert shutil.which(tool, path=env["PATH"]) is None, f"{tool} still on the scrubbed PATH"
    return env


def fresh_venv(path: Path, work: Path) -> Dict[str, str]:
    """A new venv at ``path`` (removed first), made without Rust on PATH; returns its environment."""
    shutil.rmtree(path, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(path)], env=no_rust_env(None, work))
    env = no_rust_env(path, work)
    out = run([str(path / "bin/python"), "-c", "import shutil, sys; print(shutil.which('cargo'), shutil.which('rustc'), sys.prefix)"],
              env=env).stdout.split()
    assert out[:2] == ["None", "None"], f"Rust visible inside the venv: {out}"
    assert Path(out[2]).resolve() == path.resolve(), out
    return env


class World:
    """``node world.mjs`` on 127.0.0.1 (free ports), its facilitator logging every body to a file."""

    def __init__(self, world_dir: Path, work: Path) -> None:
        self.log_path = work / "facilitator-log.json"
        self.log_path.unlink(missing_ok=True)
        env = dict(os.environ, FACILITATOR_LOG=str(self.log_path))
        self.proc = subprocess.Popen(["node", "world.mjs"], cwd=world_dir, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"the x402 world did not start (run `make world-deps`): {err[-2000:]}")
        self.urls: Dict[str, str] = json.loads(line)

    def log(self) -> List[Dict[str, Any]]:
        """Every request the facilitator received so far."""
        return json.loads(self.log_path.read_text()) if self.log_path.exists() else []

    def settles(self) -> List[Dict[str, Any]]:
        """The facilitator's /settle requests so far."""
        return [entry for entry in self.log() if entry["endpoint"] == "settle"]

    def close(self) -> None:
        """Stops the world (SIGTERM, then SIGKILL)."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Dist:
    """The checks, sharing the artifacts, the work folder and the world."""

    def __init__(self, dist: Path, world_dir: Path, work: Path) -> None:
        self.dist, self.world_dir, self.work = dist, world_dir, work
        self.wheel = dist / f"{DIST_NAME}-{VERSION}-py3-none-any.whl"
        self.sdist = dist / f"{DIST_NAME}-{VERSION}.tar.gz"
        self.tarball = dist / f"{NPM_NAME}-{VERSION}.tgz"
        for f in (self.wheel, self.sdist, self.tarball):
            assert f.is_file(), f"{f} missing: run `make dist`"
        self.world: Optional[World] = None
        self.venvs: Dict[Path, Dict[str, str]] = {}

    def venv(self, name: str) -> tuple[Path, Dict[str, str]]:
        """A clean venv made in this run (made once; a check that uses one leaves it clean or last)."""
        path = self.work / name
        if path not in self.venvs:
            self.venvs[path] = fresh_venv(path, self.work)
        return path, self.venvs[path]

    # ---- Python ----------------------------------------------------------------
    def package_modules(self) -> List[str]:
        """Every module of presidio_x402 in the checkout (tracked or new, not ignored)."""
        out = run(["git", "ls-files", "-co", "--exclude-standard", "--", "bindings-python/presidio_x402"], cwd=ROOT).stdout
        return sorted(p[len("bindings-python/"):] for p in out.split() if p.endswith(".py") and (ROOT / p).exists())

    def component_bytes(self) -> bytes:
        """The built component the artifacts must carry."""
        built = ROOT / "target/presidio_x402.wasm"
        assert built.is_file(), "target/presidio_x402.wasm missing: run `make component`"
        return built.read_bytes()

    def test_wheel_contents(self) -> str:
        with zipfile.ZipFile(self.wheel) as z:
            names = set(z.namelist())
            info = f"{DIST_NAME}-{VERSION}.dist-info"
            wheel_meta = z.read(f"{info}/WHEEL").decode()
            metadata = z.read(f"{info}/METADATA").decode()
            wasm = z.read("presidio_x402/presidio_x402.wasm")
            schema = z.read("presidio_x402/policy.schema.json")
            typed = "presidio_x402/config_types.py" in names
        assert "Tag: py3-none-any" in wheel_meta and "Root-Is-Purelib: true" in wheel_meta, wheel_meta
        assert re.search(rf"^Version: {re.escape(VERSION)}$", metadata, re.M), "METADATA version is not VERSION"
        assert re.search(r"^Requires-Dist: wasmtime", metadata, re.M), "wasmtime is not a dependency"
        assert wasm == self.component_bytes(), "the wheel's presidio_x402.wasm is not target/presidio_x402.wasm"
        assert schema == (ROOT / "schema/policy.schema.json").read_bytes(), "the wheel's policy.schema.json is stale"
        assert typed, "presidio_x402/config_types.py (GuardConfig) is not in the wheel"
        licence = f"{info}/licenses/LICENSE"
        assert licence in names, f"{licence} is not in the wheel"
        with zipfile.ZipFile(self.wheel) as z:
            assert z.read(licence) == LICENSE, "the wheel's LICENSE is not the repository's"
            notice = f"{info}/licenses/NOTICE"
            assert notice in names, f"{notice} is not in the wheel"
            assert z.read(notice) == NOTICE, "the wheel's NOTICE is not the repository's"
        missing = [m for m in self.package_modules() if m not in names]
        assert not missing, f"modules not in the wheel: {missing}"
        stray = sorted(n for n in names if not n.startswith(("presidio_x402/", info + "/")))
        assert not stray, f"files outside the package in the wheel: {stray}"
        return f"{len(names)} files, wasm {len(wasm):,} bytes, {self.wheel.stat().st_size:,} bytes"

    def test_sdist_contents(self) -> str:
        top = f"{DIST_NAME}-{VERSION}/"
        with tarfile.open(self.sdist) as t:
            names = {m.name[len(top):] for m in t.getmembers() if m.isfile()}
            wasm = t.extractfile(top + "presidio_x402/presidio_x402.wasm").read()  # type: ignore[union-attr]
            pkg_info = t.extractfile(top + "PKG-INFO").read().decode()  # type: ignore[union-attr]
        assert wasm == self.component_bytes(), "the sdist's presidio_x402.wasm is not target/presidio_x402.wasm"
        assert re.search(rf"^Version: {re.escape(VERSION)}$", pkg_info, re.M), "PKG-INFO version is not VERSION"
        for f in ("pyproject.toml", "setup.py", "README.md", "LICENSE", "NOTICE"):
            assert f in names, f"{f} not in the sdist"
        missing = [m for m in self.package_modules() if m not in names]
        assert not missing, f"modules not in the sdist: {missing}"
        tests = sorted(n for n in names if n.startswith(("tests/", "seed_suite/")))
        assert not tests, f"tests in the sdist: {tests}"
        return f"{len(names)} files, {self.sdist.stat().st_size:,} bytes"

    def test_wheel_quickstart(self) -> str:
        venv, env = self.venv("venv-wheel")
        # --only-binary: every dependency is a prebuilt wheel; nothing is compiled (there is no Rust to compile with)
        run([str(venv / "bin/pip"), "install", "--quiet", "--only-binary=:all:", f"{self.wheel}[x402]"], env=env, cwd=self.work)
        assert self.world is not None
        before = len(self.settles_for("/v2/records"))
        arg = json.dumps(dict(self.world.urls, email=EMAIL))
        script = shutil.copy(HERE / "quickstart_seed.py", self.work / "quickstart_seed.py")  # run outside the checkout's tests/
        out = run([str(venv / "bin/python"), str(script), arg], env=env, cwd=self.work, timeout=120)
        got = json.loads(out.stdout.strip().splitlines()[-1])
        assert got["cargo"] is None and got["rustc"] is None, got
        assert Path(got["package_file"]).resolve().is_relative_to(venv.resolve()), f"imported from {got['package_file']}"
        assert got["version"] == VERSION, got
        assert got["status"] == 200 and got["body"] == {"ok": True, "route": "records"}, got
        assert got["settled"] is True and got["outcome"] == "settled", got
        settles = self.settles_for("/v2/records")
        assert len(settles) == before + 1, f"the facilitator settled {len(settles) - before} payments, not 1"
        seen = json.dumps(self.world.log())
        assert EMAIL not in seen and EMAIL.replace("@", "%40") not in seen, "the email reached the facilitator"
        assert "<REDACTED>" in json.dumps(settles[-1]), "the settled payment does not carry the redacted resource"
        return "paid 200, settled by the facilitator, the email redacted before it; wasmtime + x402 wheels, no Rust"

    def settles_for(self, route: str) -> List[Dict[str, Any]]:
        """The facilitator's settlements for a resource URL containing ``route``."""
        assert self.world is not None
        return [s for s in self.world.settles() if route in json.dumps(s["body"].get("paymentPayload", {}).get("resource", {}))
                or route in json.dumps(s["body"].get("paymentRequirements", {}))]

    def test_fresh_checkout_fails_clearly(self) -> str:
        clone = self.work / "fresh-checkout"
        shutil.rmtree(clone, ignore_errors=True)
        files = run(["git", "ls-files", "--", "bindings-python"], cwd=ROOT).stdout.split()
        for f in files:  # what `git clone` gives: tracked files only, so no component
            dest = clone / f
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / f, dest)
        assert not (clone / "bindings-python/presidio_x402/presidio_x402.wasm").exists()
        venv, env = self.venv("venv-sdist")  # left as clean as it was: the sdist check installs into it next
        p = run([str(venv / "bin/pip"), "install", str(clone / "bindings-python")], env=env, cwd=self.work, check=False)
        text = p.stdout + p.stderr
        assert p.returncode != 0, f"pip install of a checkout without the component succeeded:\n{text[-2000:]}"
        assert "presidio_x402.wasm is missing" in text and "make component" in text and "make python-venv" in text, text[-2000:]
        listed = run([str(venv / "bin/pip"), "list", "--format=json"], env=env).stdout
        assert not any(d["name"] == "presidio-hardened-x402" for d in json.loads(listed)), "something was installed"
        return f"pip exited {p.returncode} before building, naming `make component` / `make python-venv`; nothing installed"

    def test_sdist_install(self) -> str:
        venv, env = self.venv("venv-sdist")
        assert "presidio_x402" not in run([str(venv / "bin/pip"), "list"], env=env).stdout.replace("-", "_")
        # The dependencies first (pip's cache), then the sdist with --no-cache-dir: pip builds the wheel
        # from this sdist (pip caches wheels of local sdists by path: an earlier sdist's must not be used)
        with tarfile.open(self.sdist) as t:
            pkg_info = t.extractfile(f"{DIST_NAME}-{VERSION}/PKG-INFO").read().decode()  # type: ignore[union-attr]
        deps = [r for r in re.findall(r"^Requires-Dist: (.+)$", pkg_info, re.M) if "extra ==" not in r]
        assert deps, "no dependencies in PKG-INFO"
        run([str(venv / "bin/pip"), "install", "--quiet", "--only-binary=:all:", *deps], env=env, cwd=self.work)
        p = run([str(venv / "bin/pip"), "install", "--no-cache-dir", str(self.sdist)], env=env, cwd=self.work)
        assert f"Building wheel for presidio-hardened-x402" in p.stdout, p.stdout[-2000:]
        assert self.world is not None
        code = f"""
import asyncio, json, shutil, presidio_x402
from presidio_x402 import HardenedX402Client, PolicyViolationError
calls = []
async def signer(details):
    calls.append(details)
async def main():
    client = HardenedX402Client(payment_signer=signer, policy={{"max_per_call_usd": 0.10}})
    try:
        await client.get({self.world.urls["serverUrl"]!r} + "/v2/expensive")
    except PolicyViolationError as e:
        return e.code
print(json.dumps({{"code": asyncio.run(main()), "signed": len(calls), "file": presidio_x402.__file__,
                  "version": presidio_x402.__version__, "cargo": shutil.which("cargo"), "rustc": shutil.which("rustc")}}))
"""
        got = json.loads(run([str(venv / "bin/python"), "-c", code], env=env, cwd=self.work).stdout.strip().splitlines()[-1])
        assert got["cargo"] is None and got["rustc"] is None, got
        assert Path(got["file"]).resolve().is_relative_to(venv.resolve()), got
        assert got["version"] == VERSION, got
        assert got == dict(got, code="policy-per-call-exceeded", signed=0), got
        return "built by pip from the sdist with no Rust; $2.00 over $0.10 refused: policy-per-call-exceeded, signer not called"

    # ---- npm ---------------------------------------------------------------------
    def tarball_files(self) -> Dict[str, bytes]:
        """Every file of the npm tarball, by its path inside the package."""
        out: Dict[str, bytes] = {}
        with tarfile.open(self.tarball) as t:
            for m in t.getmembers():
                if m.isfile():
                    assert m.name.startswith("package/"), m.name
                    out[m.name[len("package/"):]] = t.extractfile(m).read()  # type: ignore[union-attr]
        return out

    def test_npm_contents(self) -> str:
        files = self.tarball_files()
        pkg = json.loads(files["package.json"])
        assert pkg["version"] == VERSION, f"package.json version {pkg['version']} is not VERSION {VERSION}"
        assert "dist/wasm/presidio_x402_js_bg.wasm" in files, "no wasm in the tarball"
        assert files["dist/wasm/presidio_x402_js_bg.wasm"][:4] == b"\0asm"
        assert files.get("LICENSE") == LICENSE, "the tarball's LICENSE is missing or not the repository's"
        assert files.get("NOTICE") == NOTICE, "the tarball's NOTICE is missing or not the repository's"
        tests = sorted(f for f in files if re.search(r"(^|/)(test|tests|__tests__|spec)/|\.(test|spec)\.[cm]?[jt]s$", f))
        assert not tests, f"test files in the tarball: {tests}"
        maps = sorted(f for f in files if f.endswith(".map"))
        assert not maps, f"source maps in the tarball: {maps}"
        refs = []
        for f, data in files.items():
            if f.endswith((".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")):
                for m in re.finditer(rb"sourceMappingURL=(\S+)", data):
                    target = m.group(1).decode(errors="replace")
                    if not target.startswith("data:"):
                        refs.append(f"{f}: {target}")
        assert not refs, f"source map references (none of their targets ship): {refs}"
        leaks = sorted(f for f, data in files.items() if str(ROOT).encode() in data)
        assert not leaks, f"files naming the build checkout {ROOT}: {leaks}"

        def targets(node: Any) -> List[str]:
            if isinstance(node, str):
                return [node]
            if isinstance(node, dict):
                return [t for v in node.values() for t in targets(v)]
            return []

        wanted = targets(pkg.get("exports", {})) + targets(pkg.get("bin", {}))
        wanted += [pkg[k] for k in ("main", "module", "types", "browser") if isinstance(pkg.get(k), str)]
        absent = sorted({t for t in wanted if t.removeprefix("./") not in files})
        assert not absent, f"package.json names files the tarball lacks: {absent}"
        schema = (ROOT / "schema/policy.schema.json").read_bytes()
        assert files.get("policy.schema.json") == schema, "the tarball's policy.schema.json is not schema/policy.schema.json"
        return f"{len(files)} files, {self.tarball.stat().st_size:,} bytes, {len(set(wanted))} entry points present"

    def claims_commonjs(self, pkg: Dict[str, Any]) -> bool:
        """Whether package.json offers CommonJS: a ``require`` condition, or a main that is not ESM."""
        def has_require(node: Any) -> bool:
            return isinstance(node, dict) and any(k == "require" or has_require(v) for k, v in node.items())
        return has_require(pkg.get("exports")) or (pkg.get("type") != "module" and "main" in pkg)

    def test_npm_empty_project(self) -> str:
        # outside the checkout, so nothing of the repository's resolves from it
        proj = Path(tempfile.mkdtemp(prefix="px402-dist-npm-"))
        try:
            return self.npm_project(proj)
        finally:
            shutil.rmtree(proj, ignore_errors=True)

    def npm_project(self, proj: Path) -> str:
        """The empty-project check, in ``proj``."""
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
        run(["npm", "init", "-y"], cwd=proj, env=env)
        npm_install = ["npm", "install", "--prefer-offline", "--no-audit", "--no-fund", "--silent"]
        # the package alone first: its own dependencies must be enough to import it
        run([*npm_install, str(self.tarball.resolve())], cwd=proj, env=env, timeout=300)
        installed = proj / "node_modules" / NPM_NAME
        pkg = json.loads((installed / "package.json").read_text())
        assert pkg["version"] == VERSION, pkg["version"]
        esm = """
            import * as x from "presidio-hardened-x402";
            import * as n from "presidio-hardened-x402/node";
            const g = await x.PaymentGuard.create({ replayKey: "11".repeat(32), auditKey: "22".repeat(32), warn: () => {} });
            console.log(JSON.stringify({ fetch: typeof x.createHardenedFetch, node: typeof n.FileAuditSink,
              guard: typeof g.begin, atomic: x.call("money.parse-atomic", { amount: "10000" }).atomic }));
        """
        out = run(["node", "--input-type=module", "-e", esm], cwd=proj, env=env)
        assert json.loads(out.stdout) == {"fetch": "function", "node": "function", "guard": "function", "atomic": "10000"}, out.stdout
        notes = ["ESM import of the package alone (. and ./node)"]
        if self.claims_commonjs(pkg):
            out = run(["node", "-e", f"const x = require({NPM_NAME!r}); console.log(typeof x.createHardenedFetch)"], cwd=proj, env=env)
            assert out.stdout.strip() == "function", out.stdout
            notes.append("CommonJS require")
        else:
            notes.append("no CommonJS claimed (type: module, no require condition)")
        # then a signer library at the world's pinned versions, as a user's project would have
        world_pkg = json.loads((self.world_dir / "package.json").read_text())["dependencies"]
        run([*npm_install, *(f"{n}@{world_pkg[n]}" for n in ("@x402/evm", "viem"))], cwd=proj, env=env, timeout=300)
        shutil.copy(HERE / "npm_payment.mjs", proj / "npm_payment.mjs")
        audit_dir = proj / "audit"
        audit_dir.mkdir()
        assert self.world is not None
        before = len(self.settles_for("/v2/cheap?from=npm"))
        out = run(["node", "npm_payment.mjs", self.world.urls["serverUrl"], str(audit_dir)], cwd=proj, env=env, timeout=120)
        got = json.loads(out.stdout.strip().splitlines()[-1])
        assert got["status"] == 200 and got["body"] == {"ok": True, "route": "cheap"}, got
        assert got["resolved"].startswith((installed.resolve().as_uri(), installed.as_uri())), got["resolved"]
        assert len(self.settles_for("/v2/cheap?from=npm")) == before + 1, "the facilitator did not settle the payment"
        # the package's bin, installed with it, verifies the audit chain the payment wrote
        verify = run(["npx", "--no-install", "presidio-x402", "verify", str(audit_dir)], cwd=proj,
                     env=dict(env, PRESIDIO_X402_CHAIN_KEY=got["auditKey"]), check=False)
        assert verify.returncode == 0, f"presidio-x402 verify exited {verify.returncode}: {verify.stdout}{verify.stderr}"
        notes += ["paid 200, settled", "`presidio-x402 verify` of its audit log: exit 0"]
        return "; ".join(notes)

    def test_sha256sums(self) -> str:
        lines = (self.dist / "SHA256SUMS").read_text().split("\n")
        sums = dict(reversed(line.split(None, 1)) for line in lines if line.strip())  # type: ignore[misc]
        names = {p.name for p in (self.wheel, self.sdist, self.tarball)}
        assert set(sums) == names, f"SHA256SUMS lists {sorted(sums)}, dist/ has {sorted(names)}"
        for name, digest in sums.items():
            assert sha256(self.dist / name) == digest, f"{name}: checksum differs"
        return ", ".join(sorted(names))


def main() -> int:
    """Runs every check; prints one line each and the summary."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--dist", default="dist", type=Path)
    ap.add_argument("--world", default="examples/x402-world", type=Path)
    ap.add_argument("--work", default=".cache/dist-test", type=Path)
    a = ap.parse_args()
    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(work / "xdg-cache", ignore_errors=True)
    d = Dist(a.dist.resolve(), a.world.resolve(), work)
    checks: List[Callable[[], str]] = [
        d.test_wheel_contents, d.test_sdist_contents, d.test_npm_contents, d.test_sha256sums,
        d.test_wheel_quickstart, d.test_fresh_checkout_fails_clearly, d.test_sdist_install, d.test_npm_empty_project,
    ]
    passed = failed = 0
    started = time.monotonic()
    d.world = World(d.world_dir, work)
    try:
        print(f"test-dist: {VERSION}, world at {d.world.urls['serverUrl']}, work folder {work}", flush=True)
        for check in checks:
            name = check.__name__.removeprefix("test_")
            t0 = time.monotonic()
            try:
                detail = check()
                passed += 1
                print(f"ok   {name} ({time.monotonic() - t0:.1f} s): {detail}", flush=True)
            except Exception as e:  # noqa: BLE001 - every failure is reported, the run goes on
                failed += 1
                print(f"FAIL {name} ({time.monotonic() - t0:.1f} s): {e}", flush=True)
                if not isinstance(e, AssertionError):
                    traceback.print_exc()
    finally:
        d.world.close()
    print(f"({time.monotonic() - started:.1f} s)")
    print(f"test-dist: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
