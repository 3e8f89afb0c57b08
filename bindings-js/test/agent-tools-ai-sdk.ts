// Type-checked (tsc --strict) by agent-tools.test.mjs against the installed package and the
// real frameworks; what follows the marker must be a snippet of ../README.md, verbatim.
import type { LanguageModel } from "ai";
import type { Signer } from "presidio-hardened-x402";
declare const signer: Signer;
declare const model: LanguageModel;
declare const replayKey: string, auditKey: string;
// README snippet:
import { generateText, stepCountIs } from "ai";
import { createHardenedFetch } from "presidio-hardened-x402";
import { x402FetchTool, type X402ToolResult } from "presidio-hardened-x402/ai-sdk";

const pay = await createHardenedFetch({ signer, config: { max_per_call_usd: "0.10", daily_limit_usd: "5" }, replayKey, auditKey });
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
