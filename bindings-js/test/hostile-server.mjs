// A hostile x402 server on 127.0.0.1 (node:http), playing the cases of
// vectors/hostile/cases.json (see vectors/gen/gen_hostile.py). The Python twin is
// bindings-python/tests/hostile_server.py.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

const CASES_PATH = new URL("../../vectors/hostile/cases.json", import.meta.url);
const USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function loadCases() {
  return JSON.parse(readFileSync(CASES_PATH, "utf8")).testGroups.flatMap((g) => g.tests);
}

const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString("base64");

const v1Doc = (url, amount, description = "Premium data") => ({ x402Version: 1, error: "X-PAYMENT header is required", accepts: [
  { scheme: "exact", network: "base-sepolia", maxAmountRequired: amount, asset: USDC, payTo: PAY_TO, resource: url, description,
    mimeType: "application/json", maxTimeoutSeconds: 60, extra: { name: "USDC", version: "2" } }] });

const v2Doc = (url, amount) => ({ x402Version: 2, error: "Payment required",
  resource: { url, description: "Weather data", mimeType: "application/json" },
  accepts: [{ scheme: "exact", network: "eip155:84532", amount, asset: USDC, payTo: PAY_TO, maxTimeoutSeconds: 300,
    extra: { name: "USDC", version: "2" } }] });

/** The atomic amount a payment authorizes (EIP-3009 `authorization.value`). */
export const amountOf = (p) => BigInt(p?.payload?.authorization?.value ?? 0);

/**
 * Serves `/case/<name>`; `payments[name]` lists the decoded payment headers
 * received, `seen[name]` whether each request carried a payment header.
 */
export class HostileServer {
  constructor(cases, redirectTo = null) {
    this.cases = Object.fromEntries(cases.map((c) => [c.input.name, c.input]));
    this.redirectTo = redirectTo;
    this.payments = {};
    this.seen = {};
    this.sockets = new Set();
    this.server = createServer((req, res) => this.#answer(req, res));
    this.server.on("connection", (s) => { this.sockets.add(s); s.on("close", () => this.sockets.delete(s)); });
  }

  async start() {
    await new Promise((r) => this.server.listen(0, "127.0.0.1", r));
    this.origin = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }

  #answer(req, res) {
    const name = new URL(req.url, this.origin).pathname.split("/").pop();
    const c = this.cases[name];
    const url = this.origin + req.url;
    const wire = req.headers["payment-signature"] ?? req.headers["x-payment"];
    (this.seen[name] ??= []).push(wire !== undefined);
    const ch = c.challenge;
    res.setHeader("Connection", "close");
    if (wire === undefined) {
      if (c.redirect && this.redirectTo) return res.writeHead(302, { Location: this.redirectTo.origin + req.url }).end();
      if (ch.version === 2) {
        return res.writeHead(402, { "PAYMENT-REQUIRED": b64(v2Doc(url, ch.amount)), "Content-Type": "application/json" }).end("{}");
      }
      const body = Buffer.from(JSON.stringify(v1Doc(url, ch.amount)));
      const ct = { "Content-Type": ch.content_type };
      if (ch.body === "bom") return res.writeHead(402, ct).end(Buffer.concat([BOM, body]));
      if (ch.body === "not-utf8") return res.writeHead(402, ct).end(Buffer.from(JSON.stringify(v1Doc(url, ch.amount, "Caf\u00e9")), "latin1"));
      if (ch.body === "endless") {
        // No length, never ends (at most 64 MiB if nothing stops reading): the client must stop.
        res.writeHead(402, ct);
        res.write('{"x402Version":1,"accepts":[');
        let left = 4096;
        const more = () => { while (left-- > 0 && !res.destroyed) if (!res.write(Buffer.alloc(16384, 0x20))) return res.once("drain", more); };
        return more();
      }
      if (ch.body === "trickle") {
        // Half the body, then silence.
        res.writeHead(402, { ...ct, "Content-Length": body.length });
        return res.write(body.subarray(0, body.length >> 1));
      }
      return res.writeHead(402, ct).end(body);
    }
    const payment = JSON.parse(Buffer.from(wire, "base64").toString("utf8"));
    const got = (this.payments[name] ??= []);
    got.push(payment);
    const answer = c.paid[(got.length - 1) % c.paid.length];
    if (answer.reset) return req.socket.destroy(); // the request was read; the connection is dropped
    const headers = {};
    const s = answer.settlement;
    if (s) headers[ch.version === 2 ? "PAYMENT-RESPONSE" : "X-PAYMENT-RESPONSE"] = "b64" in s ? b64(s.b64) : JSON.stringify(s.raw);
    res.writeHead(answer.status, headers).end(answer.status === 304 ? undefined : '{"data":"paid"}');
  }
}
