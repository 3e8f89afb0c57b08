// The agent-framework tools of the PACKED package with the real frameworks from npm:
// `presidio-hardened-x402/ai-sdk` under the `ai` SDK (generateText with the SDK's mock
// language model, which emits the tool call) and `presidio-hardened-x402/mcp` on an
// `McpServer`, called by the SDK's `Client` through its in-memory transport. Both pay
// the local x402 world (examples/x402-world: the real @x402/express server and the stub
// facilitator that verifies EIP-3009 signatures) with a viem key: a paid call, a refused
// call whose refusal reaches the agent as a tool result with the core's code, and PII
// redacted before signing (the facilitator never sees it).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateText, stepCountIs } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import * as x from "presidio-hardened-x402";
import { x402FetchTool, X402_TOOL_NAME } from "presidio-hardened-x402/ai-sdk";
import { registerX402FetchTool } from "presidio-hardened-x402/mcp";
import { startWorld, EMAIL } from "../../examples/x402-world/world.mjs";
import { leaksIn } from "../../examples/x402-world/expected.mjs";

let world;
before(async () => { world = await startWorld(); });
after(async () => { await world.close(); });

/** A hardened fetch with a throwaway key that signs real EIP-3009 authorizations (@x402/evm). */
async function hardened(config = {}) {
  const scheme = new ExactEvmScheme(privateKeyToAccount(generatePrivateKey()));
  const signer = async (req) => (await scheme.createPaymentPayload(req.x402Version, req.requirements)).payload;
  const sink = new x.MemoryAuditSink();
  const auditKey = randomBytes(32).toString("hex");
  const pay = await x.createHardenedFetch({ signer, config, replayKey: randomBytes(32).toString("hex"), auditKey, audit: sink, warn: () => {} });
  return { pay, sink, auditKey };
}

const settles = (from) => world.log.slice(from).filter((l) => l.endpoint === "settle");
const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };

/**
 * Runs generateText with a mock model that calls the tool once with `input`, then answers
 * with text. Returns the tool result the SDK recorded and the prompt of the model's second
 * call (what the agent's model was shown).
 */
async function agentCalls(tool, input) {
  const prompts = [];
  const model = new MockLanguageModelV3({
    doGenerate: async (options) => {
      prompts.push(options.prompt);
      if (prompts.length === 1) {
        return { content: [{ type: "tool-call", toolCallId: "call-1", toolName: X402_TOOL_NAME, input: JSON.stringify(input) }],
          finishReason: { unified: "tool-calls", raw: "tool_calls" }, usage, warnings: [] };
      }
      return { content: [{ type: "text", text: "done" }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] };
    },
  });
  const r = await generateText({ model, tools: { [X402_TOOL_NAME]: tool }, prompt: "fetch it", stopWhen: stepCountIs(3) });
  assert.equal(r.text, "done");
  assert.equal(prompts.length, 2);
  const results = r.steps[0].toolResults;
  assert.equal(results.length, 1, `one tool result (errors: ${JSON.stringify(r.steps[0].content.filter((c) => c.type === "tool-error"))})`);
  const shown = prompts[1].flatMap((m) => (m.role === "tool" ? m.content : [])).filter((p) => p.type === "tool-result");
  assert.equal(shown.length, 1);
  return { output: results[0].output, shown: shown[0].output };
}

test("AI SDK: a paid call through generateText (mock model emits the tool call); the model sees status and body", async () => {
  const { pay, sink, auditKey } = await hardened();
  const from = world.log.length;
  const { output, shown } = await agentCalls(x402FetchTool({ fetch: pay }), { url: `${world.serverUrl}/v2/cheap?k=ai-paid` });
  assert.deepEqual(output, { refused: false, status: 200, contentType: "application/json; charset=utf-8", body: '{"ok":true,"route":"cheap"}', truncated: false,
    payment: { amountUsd: "0.001", settlement: "settled" } });
  assert.deepEqual(shown, { type: "json", value: output });
  assert.equal(settles(from).length, 1);
  assert.match(sink.lines.at(-1), /"event_type":"payment_settled"/);
  x.verifyAuditLog(auditKey, sink.text(), pay.guard.head);
});

test("AI SDK: a refused call reaches the model as a tool result with the core's code (per-call limit; nothing settled)", async () => {
  const { pay, sink } = await hardened({ max_per_call_usd: "0.50" });
  const from = world.log.length;
  const { output, shown } = await agentCalls(x402FetchTool({ fetch: pay }), { url: `${world.serverUrl}/v2/expensive?k=ai-refused` });
  const row = x.errorTable().find((r) => r.code === "policy-per-call-exceeded");
  assert.equal(output.refused, true);
  assert.equal(output.code, "policy-per-call-exceeded");
  assert.equal(output.message, row.description);
  assert.equal(output.status, undefined);
  assert.deepEqual(shown, { type: "json", value: output }, "a result, not an error, is what the model is shown");
  assert.deepEqual(settles(from), []);
  assert.match(sink.lines.at(-1), /"code":"policy-per-call-exceeded".*"event_type":"payment_blocked"/);
});

test("AI SDK: PII in the resource is redacted before signing; the facilitator never sees it", async () => {
  const { pay } = await hardened();
  const from = world.log.length;
  const tool = x402FetchTool({ fetch: pay });
  // `execute` as the SDK calls it (input, options), here directly.
  const out = await tool.execute({ url: `${world.serverUrl}/v2/records?email=${encodeURIComponent(EMAIL)}&k=ai-pii` }, { toolCallId: "c", messages: [] });
  assert.equal(out.refused, false);
  assert.equal(out.status, 200);
  const got = world.log.slice(from);
  assert.deepEqual(got.map((l) => l.endpoint), ["verify", "settle"]);
  for (const l of got) {
    assert.equal(l.body.paymentPayload.resource.description, "Medical records of <REDACTED>, phone <REDACTED>");
    assert.match(l.body.paymentPayload.resource.url, /\/v2\/records\?email=<REDACTED>&k=ai-pii$/);
  }
  assert.deepEqual(leaksIn(got), []);
});

test("AI SDK: a failed settlement is a refusal with the server's status; the body is capped at maxBodyBytes; an unpaid answer has no payment; the abort signal is passed", async () => {
  const { pay } = await hardened();
  const tool = x402FetchTool({ fetch: pay, maxBodyBytes: 5 });
  const failed = await tool.execute({ url: `${world.serverUrl}/v2/flaky?k=ai-flaky` }, { toolCallId: "c", messages: [] });
  assert.equal(failed.refused, true);
  assert.equal(failed.code, "settlement-failed");
  assert.equal(failed.status, 402);
  const capped = await tool.execute({ url: `${world.serverUrl}/v2/cheap?k=ai-cap` }, { toolCallId: "c", messages: [] });
  assert.deepEqual([capped.refused, capped.status, capped.body, capped.truncated], [false, 200, '{"ok"', true]);
  const free = await tool.execute({ url: `${world.serverUrl}/not-for-sale` }, { toolCallId: "c", messages: [] });
  assert.deepEqual([free.refused, free.status, free.payment], [false, 404, null], "no 402, nothing paid");
  // The SDK's abort signal reaches the request; an error that is not the guard's is thrown (a tool error for the SDK).
  const from = world.log.length;
  await assert.rejects(tool.execute({ url: `${world.serverUrl}/v2/cheap?k=ai-abort` }, { toolCallId: "c", messages: [], abortSignal: AbortSignal.abort() }),
    { name: "AbortError" });
  assert.deepEqual(world.log.slice(from), []);
  assert.throws(() => x402FetchTool({ fetch: globalThis.fetch }), /createHardenedFetch/, "a plain fetch would pay unguarded");
});

/** An MCP server with the tool, and a client connected through the SDK's in-memory transport. */
async function mcpPair(pay) {
  const server = new McpServer({ name: "payments", version: "1.0.0" });
  registerX402FetchTool(server, { fetch: pay });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "agent", version: "1.0.0" });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return { client, close: () => Promise.all([client.close(), server.close()]) };
}

test("MCP: the tool is listed with its input and output schemas; a paid call returns status and body", async () => {
  const { pay } = await hardened();
  const { client, close } = await mcpPair(pay);
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name), [X402_TOOL_NAME]);
    assert.deepEqual(Object.keys(tools[0].inputSchema.properties).sort(), ["body", "headers", "method", "url"]);
    assert.deepEqual(tools[0].inputSchema.required, ["url"]);
    assert.equal(tools[0].outputSchema.type, "object");
    const from = world.log.length;
    const r = await client.callTool({ name: X402_TOOL_NAME, arguments: { url: `${world.serverUrl}/v2/cheap?k=mcp-paid` } });
    assert.equal(r.isError, false);
    assert.deepEqual(r.structuredContent, { refused: false, status: 200, contentType: "application/json; charset=utf-8", body: '{"ok":true,"route":"cheap"}', truncated: false,
      payment: { amountUsd: "0.001", settlement: "settled" } });
    assert.deepEqual(JSON.parse(r.content[0].text), r.structuredContent);
    assert.equal(settles(from).length, 1);
  } finally { await close(); }
});

test("MCP: a refused call is a tool result (isError) carrying the core's code; a retry of a paid purchase is replay-detected", async () => {
  const { pay } = await hardened({ max_per_call_usd: "0.50" });
  const { client, close } = await mcpPair(pay);
  try {
    const from = world.log.length;
    const r = await client.callTool({ name: X402_TOOL_NAME, arguments: { url: `${world.serverUrl}/v2/expensive?k=mcp-refused` } });
    assert.equal(r.isError, true);
    assert.equal(r.structuredContent.refused, true);
    assert.equal(r.structuredContent.code, "policy-per-call-exceeded");
    assert.equal(r.structuredContent.message, x.errorTable().find((e) => e.code === "policy-per-call-exceeded").description);
    assert.deepEqual(JSON.parse(r.content[0].text), r.structuredContent);
    assert.deepEqual(settles(from), []);
    const url = `${world.serverUrl}/v2/cheap?k=mcp-replay`;
    assert.equal((await client.callTool({ name: X402_TOOL_NAME, arguments: { url } })).isError, false);
    const again = await client.callTool({ name: X402_TOOL_NAME, arguments: { url } });
    assert.deepEqual([again.isError, again.structuredContent.code], [true, "replay-detected"]);
    assert.equal(settles(from).length, 1);
    // The SDK validates the input against the schema before the tool runs.
    const bad = await client.callTool({ name: X402_TOOL_NAME, arguments: { url, method: "TRACE" } });
    assert.equal(bad.isError, true);
    assert.match(bad.content[0].text, /Input validation error/);
  } finally { await close(); }
});

test("MCP: PII in the resource is redacted before signing (the facilitator never sees it), or refused as pii-blocked", async () => {
  const { pay } = await hardened();
  const { client, close } = await mcpPair(pay);
  try {
    const from = world.log.length;
    const r = await client.callTool({ name: X402_TOOL_NAME, arguments: { url: `${world.serverUrl}/v2/records?email=${encodeURIComponent(EMAIL)}&k=mcp-pii` } });
    assert.equal(r.isError, false);
    assert.equal(r.structuredContent.body, '{"ok":true,"route":"records"}');
    const got = world.log.slice(from);
    assert.deepEqual(got.map((l) => l.endpoint), ["verify", "settle"]);
    for (const l of got) assert.equal(l.body.paymentPayload.resource.description, "Medical records of <REDACTED>, phone <REDACTED>");
    assert.deepEqual(leaksIn(got), []);
  } finally { await close(); }
  // With `pii.action: "block"` the same purchase is refused before signing, and the code reaches the client.
  const blocking = await mcpPair((await hardened({ pii: { action: "block" } })).pay);
  try {
    const from = world.log.length;
    const r = await blocking.client.callTool({ name: X402_TOOL_NAME, arguments: { url: `${world.serverUrl}/v2/records?k=mcp-pii-block` } });
    assert.deepEqual([r.isError, r.structuredContent.code], [true, "pii-blocked"]);
    assert.deepEqual(world.log.slice(from), []);
  } finally { await blocking.close(); }
});

test("the README's tool snippets are agent-tools-{ai-sdk,mcp}.ts and type-check against the installed package (tsc --strict)", () => {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const files = ["agent-tools-ai-sdk.ts", "agent-tools-mcp.ts"];
  for (const f of files) {
    const snippet = readFileSync(new URL(f, import.meta.url), "utf8").split("// README snippet:\n")[1];
    assert.ok(snippet && readme.includes("```ts\n" + snippet + "```"), `${f}: its snippet is in the README verbatim`);
  }
  const tsc = fileURLToPath(new URL("../node_modules/.bin/tsc", import.meta.url));
  // --skipLibCheck: @ai-sdk/provider's own .d.ts imports the untyped `json-schema` (TS7016); ours check without it.
  const out = execFileSync(tsc, ["--noEmit", "--strict", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022",
    "--lib", "ES2022,DOM", "--types", "node", "--skipLibCheck", "--typeRoots", fileURLToPath(new URL("../node_modules/@types", import.meta.url)), ...files],
    { cwd: here, encoding: "utf8" });
  assert.equal(out.trim(), "");
});

test("without the optional peers: the main entry works, each subpath names the package to install", () => {
  // The installed package alone (no ai, zod or MCP SDK next to it), outside the repository.
  const dir = mkdtempSync(join(tmpdir(), "px402-nopeers-"));
  try {
    cpSync(fileURLToPath(new URL("./node_modules/presidio-hardened-x402", import.meta.url)), join(dir, "node_modules/presidio-hardened-x402"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "nopeers", private: true, type: "module" }));
    writeFileSync(join(dir, "main.mjs"), `
      const x = await import("presidio-hardened-x402");
      const out = { main: typeof x.createHardenedFetch };
      for (const sub of ["ai-sdk", "mcp", "evm"]) {
        try { await import("presidio-hardened-x402/" + sub); out[sub] = "loaded"; } catch (e) { out[sub] = e.message; }
      }
      console.log(JSON.stringify(out));
    `);
    const out = JSON.parse(execFileSync(process.execPath, ["main.mjs"], { cwd: dir }).toString());
    assert.deepEqual(out, {
      main: "function",
      "ai-sdk": 'presidio-hardened-x402/ai-sdk needs the optional peer dependency "ai", which is not installed: npm install ai',
      mcp: 'presidio-hardened-x402/mcp needs the optional peer dependency "@modelcontextprotocol/sdk", which is not installed: npm install @modelcontextprotocol/sdk',
      evm: 'presidio-hardened-x402/evm needs the optional peer dependency "@x402/evm", which is not installed: npm install @x402/evm',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
