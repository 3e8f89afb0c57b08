/**
 * `presidio-hardened-x402/ai-sdk`: a hardened x402 fetch as a Vercel AI SDK
 * tool (`ai`'s `tool()`, a zod input schema). The tool is a thin wrapper over
 * {@link HardenedFetch}: every payment decision is the core's. A refusal
 * reaches the model as the tool's result (`refused: true` with the core's
 * `code` and `message`), not as a thrown error; a response comes back as its
 * status and body text, capped.
 *
 * Needs the optional peer dependencies `ai` (v6) and `zod` (v4); importing
 * this subpath without them throws an error naming the package to install.
 * The main entry point never loads them.
 *
 * ```ts
 * import { createHardenedFetch } from "presidio-hardened-x402";
 * import { x402FetchTool } from "presidio-hardened-x402/ai-sdk";
 * const pay = await createHardenedFetch({ signer, config, replayKey, auditKey });
 * const result = await generateText({ model, tools: { hardened_x402_fetch: x402FetchTool({ fetch: pay }) }, prompt });
 * ```
 */
import type { Tool } from "ai";
import type { HardenedFetch } from "./fetch.js";
import { checkToolOptions, loadPeer, runX402Tool, x402InputShape, type X402ToolInput, type X402ToolOptions, type X402ToolResult } from "./agent-tool.js";

export {
  X402_TOOL_NAME, X402_TOOL_DESCRIPTION, X402_TOOL_METHODS, X402_TOOL_MAX_BODY_BYTES,
  type X402ToolInput, type X402ToolMethod, type X402ToolOptions, type X402ToolResult, type X402ToolResponse, type X402ToolRefusal,
} from "./agent-tool.js";

const { tool } = await loadPeer("ai", "ai-sdk", () => import("ai"));
const { z } = await loadPeer("zod", "ai-sdk", () => import("zod"));

/** The AI SDK tool type this module makes: {@link X402ToolInput} in, {@link X402ToolResult} out. */
export type X402FetchTool = Tool<X402ToolInput, X402ToolResult>;

/**
 * Makes the AI SDK tool over a hardened fetch (`createHardenedFetch(...)`);
 * register it under {@link X402_TOOL_NAME} (or any name) in `tools`. The
 * SDK's abort signal is passed to the request.
 */
export function x402FetchTool(options: X402ToolOptions): X402FetchTool {
  const { description, maxBodyBytes } = checkToolOptions(options);
  const pay: HardenedFetch = options.fetch;
  return tool({
    description,
    inputSchema: z.object(x402InputShape(z)),
    execute: (input, { abortSignal }) => runX402Tool(pay, input, maxBodyBytes, abortSignal),
  });
}
