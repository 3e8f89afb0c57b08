// Every ts/js code block of the READMEs (root, bindings-js, bindings-python) type-checks with
// `tsc --strict` against the installed package and the real SDKs (tools/readme_blocks.py writes
// them; a block not meant to compile carries <!-- readme-check: skip (reason) -->).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

test("README ts/js blocks type-check with tsc --strict (names they leave undefined: tools/readme_blocks.py PRELUDE_TS)", () => {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const dir = fileURLToPath(new URL("./.readme-check/", import.meta.url));
  rmSync(dir, { recursive: true, force: true });
  const files = execFileSync("python3", [fileURLToPath(new URL("../../tools/readme_blocks.py", import.meta.url)), "ts", dir], { encoding: "utf8" })
    .trim().split("\n").filter(Boolean);
  assert.ok(files.length >= 4, `only ${files.length} blocks found`);
  const tsc = fileURLToPath(new URL("../node_modules/.bin/tsc", import.meta.url));
  let out = "";
  try {
    execFileSync(tsc, ["--noEmit", "--strict", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022",
      "--lib", "ES2022,DOM", "--types", "node", "--skipLibCheck", "--typeRoots", fileURLToPath(new URL("../node_modules/@types", import.meta.url)),
      `${dir}prelude.d.ts`, ...files], { cwd: here, encoding: "utf8" });
  } catch (e) {
    out = `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
  assert.equal(out.trim(), "", "README blocks that do not type-check (file names: README path and line)");
  console.log(`readme blocks: ${files.length} type-checked`);
  rmSync(dir, { recursive: true, force: true });
});
