// The package's .d.ts files type-check a consumer (strict TypeScript).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

test("the installed package's types check a strict consumer", () => {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const tsc = fileURLToPath(new URL("../node_modules/.bin/tsc", import.meta.url));
  const out = execFileSync(tsc, ["--noEmit", "--strict", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022",
    "--lib", "ES2022,DOM", "--types", "node", "--skipLibCheck", "false", "--typeRoots", fileURLToPath(new URL("../node_modules/@types", import.meta.url)), "types-consumer.ts"],
    { cwd: here, encoding: "utf8" });
  assert.equal(out.trim(), "");
});
