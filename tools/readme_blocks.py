"""Every fenced code block of the READMEs, for the tests that check them.

``ts``/``js`` blocks are type-checked with ``tsc --strict`` (bindings-js/test/readme.test.mjs,
``make test-js``) and ``python`` blocks are executed against a local x402 server
(bindings-python/tests/test_readme_blocks.py, ``make test-python``). A block that is not meant
to run (shell commands, output, fragments) is preceded by a marker with the reason::

    <!-- readme-check: skip (shell commands) -->

A block of any other language without a marker, or a marker without a reason, is an error.
The names the snippets use without defining them (``signer``, ``replayKey``, ...) are declared
in PRELUDE_TS and defined by the Python test.

    python3 tools/readme_blocks.py             # lists the blocks and what happens to each
    python3 tools/readme_blocks.py ts DIR      # writes the ts/js blocks and the prelude into DIR
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READMES = ["README.md", "bindings-js/README.md", "bindings-python/README.md"]
CHECKED = {"ts": "ts", "js": "ts", "typescript": "ts", "python": "python", "py": "python"}
MARKER = re.compile(r"^<!--\s*readme-check:\s*skip\s*\((?P<reason>.+)\)\s*-->\s*$")

# Ambient declarations of the free names the TypeScript snippets use (a global .d.ts).
PRELUDE_TS = """// Written by tools/readme_blocks.py: the names README snippets use without defining them.
declare const signer: import("presidio-hardened-x402").Signer;
declare const replayKey: string;
declare const auditKey: string;
declare const config: import("presidio-hardened-x402").GuardConfig;
declare const audit: import("presidio-hardened-x402").AuditSink;
declare const account: import("viem/accounts").PrivateKeyAccount;
declare const key: `0x${string}`;
declare const model: import("ai").LanguageModel;
declare const x402HttpClient: import("@x402/fetch").x402HTTPClient;
declare const client: import("@x402/fetch").x402Client;
declare const url: string;
"""


@dataclass
class Block:
    """One fenced block."""

    readme: str
    line: int
    lang: str
    code: str
    skip: str | None

    @property
    def name(self) -> str:
        """A file-name-safe id: ``README.md`` line 124 -> ``README-L124``."""
        return re.sub(r"[^A-Za-z0-9]+", "-", self.readme.removesuffix(".md")) + f"-L{self.line}"

    @property
    def kind(self) -> str | None:
        """``ts``, ``python``, or None (not checked: it needs a skip marker)."""
        return None if self.skip else CHECKED.get(self.lang)


def blocks(readmes: list[str] = READMES) -> list[Block]:
    """Every fenced block of ``readmes``; raises ValueError listing blocks that are neither checked nor marked."""
    out: list[Block] = []
    bad: list[str] = []
    for rel in readmes:
        lines = (ROOT / rel).read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            m = re.match(r"^(```+)\s*([A-Za-z0-9_+-]*)", lines[i])
            if not m:
                i += 1
                continue
            fence, lang, start = m.group(1), m.group(2).lower(), i
            j = i + 1
            while j < len(lines) and not lines[j].startswith(fence):
                j += 1
            prev = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
            mk = MARKER.match(prev.strip())
            if prev.strip().startswith("<!-- readme-check") and not mk:
                bad.append(f"{rel}:{start + 1}: malformed marker (want <!-- readme-check: skip (reason) -->)")
            reason = mk.group("reason").strip() if mk else None
            b = Block(rel, start + 1, lang, "\n".join(lines[start + 1:j]) + "\n", reason)
            if b.kind is None and b.skip is None:
                bad.append(f"{rel}:{b.line}: a ```{lang} block that is neither checked (ts, js, python) nor marked "
                           "<!-- readme-check: skip (reason) -->")
            out.append(b)
            i = j + 1
    if bad:
        raise ValueError("\n".join(bad))
    return out


def write_ts(out_dir: Path) -> list[Path]:
    """Writes every checked ts/js block as a module (``export {}`` appended) plus ``prelude.d.ts``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "prelude.d.ts").write_text(PRELUDE_TS, encoding="utf-8")
    files = []
    for b in blocks():
        if b.kind == "ts":
            f = out_dir / f"{b.name}.ts"
            f.write_text(f"// {b.readme} line {b.line}\n{b.code}export {{}};\n", encoding="utf-8")
            files.append(f)
    return files


def main(argv: list[str]) -> int:
    """CLI: list the blocks, or write the ts blocks into a directory."""
    try:
        if len(argv) == 3 and argv[1] == "ts":
            for f in write_ts(Path(argv[2])):
                print(f)
            return 0
        bs = blocks()
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    for b in bs:
        print(f"{b.readme}:{b.line}: {b.lang or '(none)'}: {b.kind or 'skip: ' + str(b.skip)}")
    counts = {k: sum(1 for b in bs if b.kind == k) for k in ("ts", "python")}
    print(f"readme blocks: {len(bs)} ({counts['ts']} type-checked, {counts['python']} executed, "
          f"{len(bs) - sum(counts.values())} marked not to run)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
