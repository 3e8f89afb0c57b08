// The demo's scenarios as assertions: the hardened official clients against
// the real @x402/express server and the stub facilitator on 127.0.0.1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { startWorld, EMAIL } from "./world.mjs";
import { runScenarios, hardenedAgent, attempt } from "./agent-ts.mjs";
import { EXPECTED, checkRows, checkPaymentIds, leaksIn } from "./expected.mjs";

let world;
before(async () => { world = await startWorld(); });
after(async () => { await world.close(); });

test("TypeScript agent (@x402/fetch + hardenX402Client): every scenario has its expected outcome; audit logs verify", async () => {
  const { rows, audit } = await runScenarios(world);
  assert.deepEqual(rows.map((r) => r.scenario), Object.keys(EXPECTED));
  assert.deepEqual(checkRows(rows), []);
  assert.deepEqual(checkPaymentIds(rows, world.log), [], "payment-identifier: sent, received, audited");
  assert.ok(audit.verified && audit.lines > 0);
  assert.deepEqual(leaksIn(world.log), [], "no personal data reached the facilitator");
});

test("PII: the facilitator receives only the redacted resource (description and URL)", async () => {
  const { pay } = await hardenedAgent({});
  const from = world.log.length;
  assert.equal((await attempt(pay, `${world.serverUrl}/v2/records?email=${encodeURIComponent(EMAIL)}&k=pii`)).outcome, "paid");
  const got = world.log.slice(from);
  assert.deepEqual(got.map((l) => l.endpoint), ["verify", "settle"]);
  for (const l of got) {
    const r = l.body.paymentPayload.resource;
    assert.match(r.description, /^Medical records of <REDACTED>, phone <REDACTED>$/);
    assert.match(r.url, /\/v2\/records\?email=<REDACTED>&k=pii$/);
  }
  assert.deepEqual(leaksIn(got), []);
});

test("duplicate retry: one authorization reaches the facilitator, the retry is never signed", async () => {
  const { pay, sink } = await hardenedAgent({});
  const from = world.log.length;
  const url = `${world.serverUrl}/v2/cheap?k=dup`;
  assert.equal((await attempt(pay, url)).outcome, "paid");
  assert.deepEqual(await attempt(pay, url), { outcome: "blocked", code: "replay-detected", status: null });
  assert.equal(world.log.slice(from).filter((l) => l.endpoint === "settle").length, 1);
  assert.match(sink.lines.at(-1), /payment_blocked/);
});

test("settlement failure: the authorization that left stays counted; the facilitator also refuses a reused nonce", async () => {
  const { pay, sink } = await hardenedAgent({ daily_limit_usd: "0.0015" });
  assert.equal((await attempt(pay, `${world.serverUrl}/v2/flaky?k=rel`)).outcome, "not paid");
  assert.match(sink.lines.at(-1), /payment_failed/);
  assert.match(sink.lines.at(-1), /"outcome":"failed-after-send"/);
  assert.deepEqual(await attempt(pay, `${world.serverUrl}/v2/cheap?k=rel`), { outcome: "blocked", code: "policy-window-exceeded", status: null },
    "the server may still settle the first authorization: its spend is not released");
  const other = await hardenedAgent({});
  assert.equal((await attempt(other.pay, `${world.serverUrl}/v2/cheap?k=rel`)).outcome, "paid");
  const settle = world.log.filter((l) => l.endpoint === "settle" && l.body.paymentPayload.resource?.url?.endsWith("/v2/cheap?k=rel")).at(-1);
  const again = await (await fetch(`${world.facilitatorUrl}/settle`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(settle.body) })).json();
  assert.deepEqual([again.success, again.errorReason], [false, "nonce_already_used"]);
});

test("MPA: each webhook approver received the core's canonical request", async () => {
  const before = world.hooks.length;
  const { rows } = await runScenarios(world); // a second full run also proves the world is reusable
  assert.deepEqual(checkRows(rows), []);
  const hooks = world.hooks.slice(before);
  assert.deepEqual([...new Set(hooks.map((h) => h.name))].sort(), ["no", "slow", "yes"]);
  for (const h of hooks) assert.equal(JSON.parse(h.body).domain, "presidio-x402/mpa-approval/v1");
});

for (const [script, what] of [
  ["agent_py_x402.py", "PyPI x402 + presidio_x402.integrations.x402.harden"],
  ["agent_py_seed.py", "seed-style HardenedX402Client with the signer helper presidio_x402.signers.eth_account_signer"],
]) {
  test(`Python agent (${what}): every scenario; audit logs verify; no PII at the facilitator`,
    { skip: process.env.E2E_PYTHON ? false : "E2E_PYTHON (a venv python with presidio_x402 and x402) not set" }, async () => {
      const { spawn } = await import("node:child_process");
      const arg = JSON.stringify({ serverUrl: world.serverUrl, approverUrl: world.approverUrl, facilitatorUrl: world.facilitatorUrl });
      const out = await new Promise((resolve, reject) => {
        const p = spawn(process.env.E2E_PYTHON, [script, arg], { stdio: ["ignore", "pipe", "inherit"] });
        let s = "";
        p.stdout.on("data", (d) => { s += d; });
        p.on("exit", (c) => (c === 0 ? resolve(s) : reject(new Error(`python agent ${script} exited ${c}`))));
      });
      const { rows, audit } = JSON.parse(out.trim().split("\n").at(-1));
      assert.deepEqual(rows.map((r) => r.scenario), Object.keys(EXPECTED));
      assert.deepEqual(checkRows(rows), []);
      assert.deepEqual(checkPaymentIds(rows, world.log), [], "payment-identifier: sent, received, audited");
      assert.ok(audit.verified && audit.lines > 0);
      assert.deepEqual(leaksIn(world.log), []);
    });
}

test("signer helper (presidio-hardened-x402/evm): createHardenedFetch with a viem account and a wallet client pays v2 and v1; both settle", async () => {
  const { createHardenedFetch, paymentOf, X402PaymentError } = await import("presidio-hardened-x402");
  const { evmSigner } = await import("presidio-hardened-x402/evm");
  const { generatePrivateKey, privateKeyToAccount } = await import("viem/accounts");
  const { createWalletClient, http } = await import("viem");
  const { baseSepolia } = await import("viem/chains");
  const { randomBytes } = await import("node:crypto");
  const keys = () => ({ replayKey: randomBytes(32).toString("hex"), auditKey: randomBytes(32).toString("hex"), warn: () => {} });
  const account = privateKeyToAccount(generatePrivateKey());
  // The wallet client never reaches its RPC URL: EIP-712 signing with a local account is offline.
  const wallet = createWalletClient({ account: privateKeyToAccount(generatePrivateKey()), chain: baseSepolia, transport: http("http://127.0.0.1:9") });
  for (const [what, source] of [["account", account], ["wallet-client", wallet]]) {
    const pay = await createHardenedFetch({ signer: evmSigner(source), config: { agent_id: "evm-helper" }, ...keys() });
    for (const path of ["/v2/cheap", "/v1/quote"]) {
      const from = world.log.length;
      const res = await pay(`${world.serverUrl}${path}?k=evm-${what}`);
      assert.equal(res.status, 200, `${what} ${path}`);
      await res.arrayBuffer();
      assert.ok(paymentOf(res), `${what} ${path}: a payment was made`);
      const got = world.log.slice(from);
      assert.deepEqual(got.map((l) => l.endpoint), ["verify", "settle"], `${what} ${path}: verified and settled`);
      const from_ = got[1].body.paymentPayload.payload.authorization.from.toLowerCase();
      assert.equal(from_, source.account?.address.toLowerCase() ?? source.address.toLowerCase(), "signed by the helper's account");
    }
  }
  // A signer that cannot sign the offer: the signer-failed error says why (SignerError as its cause), not an opaque code.
  const sign = evmSigner(account);
  const pay = await createHardenedFetch({ signer: (req) => sign({ ...req, network: "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp" }), config: {}, ...keys() });
  await assert.rejects(pay(`${world.serverUrl}/v2/cheap?k=evm-fail`), (e) => e instanceof X402PaymentError && e.code === "signer-failed"
    && /EVM networks/.test(e.message) && e.cause?.name === "SignerError");
});

test("quickstarts (examples/quickstart-ts, examples/quickstart-py): type-checked (tsc --strict), run against the world: paid, refused, audit verified", async () => {
  const { mkdirSync, copyFileSync, rmSync } = await import("node:fs");
  const { fileURLToPath } = await import("node:url");
  const { execFile } = await import("node:child_process");
  // Asynchronous: the world serves from this process, so its event loop must keep running.
  const run = (cmd, args, env) => new Promise((resolve, reject) => execFile(cmd, args, { env, encoding: "utf8", timeout: 120_000 },
    (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout))));
  const here = (p) => fileURLToPath(new URL(p, import.meta.url));
  // Compiled inside the world so that its node_modules (the packed package, @x402/evm, viem) resolve.
  const dir = here("./.quickstart/");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  copyFileSync(here("../quickstart-ts/quickstart.ts"), `${dir}/quickstart.ts`);
  execFileSync(here("../../bindings-js/node_modules/.bin/tsc"), ["--strict", "--module", "NodeNext", "--moduleResolution", "NodeNext",
    "--target", "ES2022", "--lib", "ES2022,DOM", "--types", "node", "--typeRoots", here("../../bindings-js/node_modules/@types"),
    "--skipLibCheck", "--outDir", dir, `${dir}/quickstart.ts`], { cwd: dir, stdio: "inherit" });
  const env = { ...process.env, X402_SERVER_URL: world.serverUrl };
  const expect = (out, what) => {
    assert.match(out, /^paid: HTTP 200 /m, what);
    assert.match(out, /^refused: policy-per-call-exceeded$/m, what);
    assert.match(out, /^audit verified: [2-9] lines/m, what);
  };
  const settles = () => world.log.filter((l) => l.endpoint === "settle").length;
  let before = settles();
  expect(await run(process.execPath, [`${dir}/quickstart.js`], env), "quickstart-ts");
  assert.equal(settles() - before, 1, "quickstart-ts: one settlement");
  rmSync(dir, { recursive: true, force: true });
  if (!process.env.E2E_PYTHON) return;
  before = settles();
  expect(await run(process.env.E2E_PYTHON, [here("../quickstart-py/quickstart.py")], env), "quickstart-py");
  assert.equal(settles() - before, 1, "quickstart-py: one settlement");
});
