// One host, one origin (issue 14, item 4): the core's URL canonicalisation
// against Node's WHATWG `new URL()` as an external oracle, and the IPv4
// spelling attack against the packed package's hardened fetch and guard.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as x from "presidio-hardened-x402";
import { startWorld, fakeSigner, payThrough, REPLAY_KEY, AUDIT_KEY, ASSET, PAY_TO } from "./helpers.mjs";

const vectors = JSON.parse(readFileSync(fileURLToPath(new URL("../../vectors/url-normalize.json", import.meta.url)), "utf8"));
const ours = (url) => {
  try {
    return JSON.parse(x.callJson("url.normalize", JSON.stringify({ url })));
  } catch (e) {
    assert.equal(e.code, "url-invalid", `${url}: ${e}`);
    return null;
  }
};
const whatwg = (url) => {
  try {
    return new URL(url);
  } catch {
    return null;
  }
};

test("every url-normalize vector agrees with WHATWG new URL(), except where flagged", () => {
  let agreed = 0;
  let flagged = 0;
  for (const g of vectors.testGroups) {
    for (const t of g.tests) {
      const name = `#${t.tcId} ${t.comment}`;
      const mine = ours(t.input.url);
      const node = whatwg(t.input.url);
      assert.equal(mine === null, t.result === "invalid", name);
      if (t.result === "valid") {
        assert.ok(node, `${name}: WHATWG refuses what we accept`);
        const same = node.origin === mine.origin && node.hostname === mine.host;
        if (t.flags.includes("WhatwgDiffers")) {
          assert.ok(!same, `${name}: flagged as different, but WHATWG agrees`);
          flagged++;
        } else {
          assert.equal(mine.origin, node.origin, name);
          assert.equal(mine.host, node.hostname, name);
          agreed++;
        }
      } else if (t.flags.includes("WhatwgAccepts")) {
        assert.ok(node, `${name}: flagged as accepted by WHATWG, but it refuses`);
        flagged++;
      } else {
        assert.equal(node, null, `${name}: WHATWG accepts ${node?.href}, not flagged`);
        agreed++;
      }
    }
  }
  console.log(`# ${agreed} vectors agree with WHATWG, ${flagged} flagged differences`);
  assert.ok(agreed > 80);
});

// Every code point the core's UTS-46-lite accepts (inside a label and at its
// start) maps as WHATWG maps it, and the punycode WHATWG writes is accepted
// back as the same host. Outside these blocks the core refuses every
// non-ASCII code point but the dots (checked on a sample).
const BLOCKS = [[0x80, 0x33ff], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0xfe00, 0xffff]];

test("every code point the core's IDNA accepts maps as WHATWG's UTS-46 does", () => {
  let accepted = 0;
  for (const [lo, hi] of BLOCKS) {
    for (let cp = lo; cp <= hi; cp++) {
      const c = String.fromCodePoint(cp);
      for (const host of [`x${c}y.example`, `${c}y.example`]) {
        const mine = ours(`http://${host}/`);
        if (mine === null) continue;
        accepted++;
        const node = whatwg(`http://${host}/`);
        assert.ok(node, `U+${cp.toString(16)}: WHATWG refuses ${host}`);
        assert.equal(mine.host, node.hostname, `U+${cp.toString(16)} in ${host}`);
        assert.equal(ours(`http://${node.hostname}/`)?.host, node.hostname, `U+${cp.toString(16)}: punycode back`);
      }
    }
  }
  console.log(`# ${accepted} accepted code point placements, all as WHATWG`);
  assert.ok(accepted > 60000);
  for (const cp of [0x10000, 0x1f600, 0x20000, 0xe0001, 0x10fffd]) assert.equal(ours(`http://x${String.fromCodePoint(cp)}.example/`), null);
});

let world;
before(async () => { world = await startWorld(); });
after(async () => { await world.close(); });

const port = () => new URL(world.url).port;
const SPELLINGS = ["127.0.0.1", "2130706433", "0x7f.1", "127.1"];

test("attack: four spellings of 127.0.0.1 share ONE per-endpoint limit (hardened fetch), to the cent", async () => {
  const config = { max_per_call_usd: 1, daily_limit_usd: 1, per_endpoint: { [`http://127.0.0.1:${port()}`]: 0.02 } };
  const f = await x.createHardenedFetch({ signer: fakeSigner().signer, config, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY, warn: () => {} });
  const outcome = [];
  for (const [i, h] of SPELLINGS.entries()) {
    try {
      const r = await f(`http://${h}:${port()}/v2/canon-fetch-${i}?amount=10000`); // $0.01 each
      outcome.push(r.status);
    } catch (e) {
      outcome.push(e.code);
    }
  }
  assert.deepEqual(outcome, [200, 200, "policy-endpoint-exceeded", "policy-endpoint-exceeded"]);
  assert.equal(world.paid.filter((p) => p.path.startsWith("/v2/canon-fetch-")).length, 2); // $0.02 of $0.02, not a cent more
});

test("attack: the raw spellings handed to the guard share ONE per-endpoint limit (the core canonicalises)", async () => {
  const config = { max_per_call_usd: 1, daily_limit_usd: 1, per_endpoint: { "http://127.0.0.1:8080": 0.02 } };
  const guard = await x.PaymentGuard.create({ config, replayKey: REPLAY_KEY, auditKey: AUDIT_KEY });
  const offer = (path) => Buffer.from(JSON.stringify({ x402Version: 2, resource: { url: `http://127.0.0.1:8080${path}` },
    accepts: [{ scheme: "exact", network: "eip155:84532", amount: "10000", asset: ASSET, payTo: PAY_TO, maxTimeoutSeconds: 300,
      extra: { name: "USDC", version: "2" } }] })).toString("base64");
  const done = [];
  for (const [i, h] of [...SPELLINGS, "[::ffff:127.0.0.1]", "%31%32%37.0.0.1"].entries()) {
    const a = await payThrough(guard, { method: "GET", url: `http://${h}:8080/r${i}`, paymentRequired: offer(`/r${i}`) });
    done.push(a.allowed ? "allowed" : a.code);
  }
  assert.deepEqual(done, ["allowed", "allowed", ...Array(4).fill("policy-endpoint-exceeded")]);
});
