// Type-checked (tsc --strict) by agent-tools.test.mjs against the installed package and the
// real frameworks; what follows the marker must be a snippet of ../README.md, verbatim.
import type { Signer } from "presidio-hardened-x402";
declare const signer: Signer;
declare const replayKey: string, auditKey: string;
// README snippet:
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createHardenedFetch } from "presidio-hardened-x402";
import { registerX402FetchTool } from "presidio-hardened-x402/mcp";

const server = new McpServer({ name: "payments", version: "1.0.0" });
registerX402FetchTool(server, { fetch: await createHardenedFetch({ signer, config: { max_per_call_usd: "0.10" }, replayKey, auditKey }) });
await server.connect(new StdioServerTransport());
