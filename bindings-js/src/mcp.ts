/**
 * `presidio-hardened-x402/mcp`: a hardened x402 fetch as a tool of a Model
 * Context Protocol server (`@modelcontextprotocol/sdk`'s `McpServer`). The
 * tool is a thin wrapper over {@link HardenedFetch}: every payment decision
 * is the core's. A refusal is a tool result with `isError: true` whose
 * structured content (and JSON text) carries the core's `code` and
 * `message`; a response is its status and body text, capped.
 *
 * Needs the optional peer dependencies `@modelcontextprotocol/sdk` (v1) and
 * `zod` (v4); importing this subpath without them throws an error naming
 * the package to install. The main entry point never loads them.
 *
 * ```ts
 * import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
 * import { createHardenedFetch } from "presidio-hardened-x402";
 * import { registerX402FetchTool } from "presidio-hardened-x402/mcp";
 * const server = new McpServer({ name: "payments", version: "1.0.0" });
 * registerX402FetchTool(server, { fetch: await createHardenedFetch({ signer, config, replayKey, auditKey }) });
 * ```
 */
import type { McpServer, RegisteredTool } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { HardenedFetch } from "./fetch.js";
import { checkToolOptions, loadPeer, resultText, runX402Tool, x402InputShape, x402OutputShape, X402_TOOL_NAME, type X402ToolOptions } from "./agent-tool.js";

export {
  X402_TOOL_NAME, X402_TOOL_DESCRIPTION, X402_TOOL_METHODS, X402_TOOL_MAX_BODY_BYTES,
  type X402ToolInput, type X402ToolMethod, type X402ToolOptions, type X402ToolResult, type X402ToolResponse, type X402ToolRefusal,
} from "./agent-tool.js";

await loadPeer("@modelcontextprotocol/sdk", "mcp", () => import("@modelcontextprotocol/sdk/server/mcp.js"));
const { z } = await loadPeer("zod", "mcp", () => import("zod"));

/** Options of {@link registerX402FetchTool}. */
export interface X402McpToolOptions extends X402ToolOptions {
  /** The tool's name (default {@link X402_TOOL_NAME}). */
  name?: string;
  /** The tool's human-readable title (default "Hardened x402 fetch"). */
  title?: string;
}

/**
 * Registers the tool on an MCP server, over a hardened fetch
 * (`createHardenedFetch(...)`), with an input schema, an output schema (one
 * object for both outcomes) and annotations (open world, not read-only). The
 * request's cancellation signal is passed to the fetch. Returns the SDK's
 * handle (`disable()`, `remove()`, …).
 */
export function registerX402FetchTool(server: McpServer, options: X402McpToolOptions): RegisteredTool {
  const { description, maxBodyBytes } = checkToolOptions(options);
  const pay: HardenedFetch = options.fetch;
  return server.registerTool(options.name ?? X402_TOOL_NAME, {
    title: options.title ?? "Hardened x402 fetch",
    description,
    inputSchema: x402InputShape(z),
    outputSchema: x402OutputShape(z),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  }, async (input, extra) => {
    const result = await runX402Tool(pay, input, maxBodyBytes, extra.signal);
    return { content: [{ type: "text", text: resultText(result) }], structuredContent: { ...result }, isError: result.refused };
  });
}
