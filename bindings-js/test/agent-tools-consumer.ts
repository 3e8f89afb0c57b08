// The README's agent-tool snippets, type-checked (tsc --strict) by agent-tools.test.mjs
// against the installed package and the real `ai`, `zod` and `@modelcontextprotocol/sdk`.
import { createHardenedFetch, type Signer } from "presidio-hardened-x402";
import type { LanguageModel } from "ai";
declare const signer: Signer;
declare const model: LanguageModel;
const keys = { replayKey: process.env.X402_REPLAY_KEY!, auditKey: process.env.X402_AUDIT_KEY! };

// --- README: Vercel AI SDK ---
import { generateText, stepCountIs } from "ai";
import { x402FetchTool, type X402ToolResult } from "presidio-hardened-x402/ai-sdk";

export async function aiSdkAgent(): Promise<string> {
  const pay = await createHardenedFetch({ signer, config: { max_per_call_usd: "0.10", daily_limit_usd: "5" }, ...keys });
  const { text, steps } = await generateText({
    model,
    tools: { hardened_x402_fetch: x402FetchTool({ fetch: pay }) },
    stopWhen: stepCountIs(5),
    prompt: "Get today's premium weather report from https://api.example.com/weather",
  });
  for (const r of steps.flatMap((s) => s.toolResults)) {
    const out = r.output as X402ToolResult;
    if (out.refused) console.log("refused:", out.code, out.message); // e.g. policy-per-call-exceeded
  }
  return text;
}

// --- README: MCP server ---
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { registerX402FetchTool } from "presidio-hardened-x402/mcp";

export async function mcpServer(): Promise<void> {
  const server = new McpServer({ name: "payments", version: "1.0.0" });
  registerX402FetchTool(server, { fetch: await createHardenedFetch({ signer, config: { max_per_call_usd: "0.10" }, ...keys }) });
  await server.connect(new StdioServerTransport());
}
