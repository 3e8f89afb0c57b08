/**
 * What the agent-framework tools (`presidio-hardened-x402/ai-sdk`,
 * `presidio-hardened-x402/mcp`) share: one call of a {@link HardenedFetch}
 * turned into a tool result. No rule lives here: whether a payment may be
 * made is the core's decision (through the hardened fetch); this module only
 * builds the request, reads the answer (capped) and hands a refusal back as
 * data carrying the core's code and message.
 */
import type { z as Z } from "zod";
import { paymentOf, type HardenedFetch, type PaymentReceipt } from "./fetch.js";
import { X402GuardError } from "./errors.js";
import { readCapped } from "./approvals.js";

/** The tool's name in both frameworks (the seed's LangChain tool has the same name). */
export const X402_TOOL_NAME = "hardened_x402_fetch";

/** The tool's default description, shown to the model. */
export const X402_TOOL_DESCRIPTION =
  "Fetch an HTTP resource, paying for it with an x402 micropayment when the server asks for one (HTTP 402). " +
  "Personal data in the payment metadata is redacted before signing; spending limits, replay protection and approvals are enforced. " +
  "Returns the response status and body text, or, when the payment is refused, `refused: true` with the refusal's code and message.";

/** The HTTP methods the tool accepts. */
export const X402_TOOL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** An HTTP method the tool accepts. */
export type X402ToolMethod = (typeof X402_TOOL_METHODS)[number];

/** The input of one tool call (what the model writes). */
export interface X402ToolInput {
  /** The http(s) URL of the resource. */
  url: string;
  /** The HTTP method (default `GET`). */
  method?: X402ToolMethod | undefined;
  /** The request body, as text (not for GET). */
  body?: string | undefined;
  /** Request headers (e.g. `content-type`, `idempotency-key`). */
  headers?: Record<string, string> | undefined;
}

/** The server answered (after paying, when it asked for a payment). */
export interface X402ToolResponse {
  /** Not refused. */
  refused: false;
  /** The HTTP status of the final response. */
  status: number;
  /** Its `content-type` header, if any. */
  contentType: string | null;
  /** The body as UTF-8 text, at most `maxBodyBytes` bytes of it. */
  body: string;
  /** Whether the body was cut at `maxBodyBytes`. */
  truncated: boolean;
  /** What was paid for this response (the core's USD amount and settlement judgement); `null` when the server asked for no payment. */
  payment: PaymentReceipt | null;
}

/** The guard refused the payment (or it failed): the core's stable code and message. */
export interface X402ToolRefusal {
  /** Refused. */
  refused: true;
  /** The core's stable error code (`policy-per-call-exceeded`, `replay-detected`, …). */
  code: string;
  /** The core's description of the refusal (never a key, a URL or metadata). */
  message: string;
  /** The HTTP status, when the server answered the paid request (e.g. a settlement failure). */
  status?: number;
}

/** The result of one tool call, as returned to the agent. */
export type X402ToolResult = X402ToolResponse | X402ToolRefusal;

/** The input schema's fields, built with the caller's `zod` (v4). */
export function x402InputShape(z: typeof Z) {
  return {
    url: z.string().min(1).describe("The http(s) URL of the resource to fetch"),
    method: z.enum(X402_TOOL_METHODS).optional().describe("The HTTP method (default GET)"),
    body: z.string().optional().describe("The request body as text (not for GET)"),
    headers: z.record(z.string(), z.string()).optional().describe("Request headers, e.g. content-type or idempotency-key"),
  };
}

/** The output schema's fields (one object for both outcomes, as MCP wants an object schema). */
export function x402OutputShape(z: typeof Z) {
  return {
    refused: z.boolean().describe("true when the payment was refused: see code and message"),
    status: z.number().int().optional().describe("The HTTP status of the final response"),
    contentType: z.string().nullable().optional().describe("The response's content-type"),
    body: z.string().optional().describe("The response body as text, capped"),
    truncated: z.boolean().optional().describe("Whether the body was cut at the cap"),
    payment: z.object({
      amountUsd: z.string().nullable().describe("The USD amount paid (decimal string)"),
      settlement: z.string().nullable().describe("settled, or unknown when the server sent no readable settlement"),
    }).nullable().optional().describe("What was paid for this response; null when no payment was asked"),
    code: z.string().optional().describe("The refusal's stable error code"),
    message: z.string().optional().describe("The refusal's description"),
  };
}

/** Options shared by the tools. */
export interface X402ToolOptions {
  /** The fetch every call pays through: the result of `createHardenedFetch(...)`. */
  fetch: HardenedFetch;
  /** The description shown to the model (default {@link X402_TOOL_DESCRIPTION}). */
  description?: string;
  /** At most this many bytes of a response body are returned (default 32768). */
  maxBodyBytes?: number;
}

/** The default cap of a returned body, in bytes. */
export const X402_TOOL_MAX_BODY_BYTES = 32768;

/** Checks the options once, when the tool is made: a tool over anything but a hardened fetch would pay unguarded. */
export function checkToolOptions(options: X402ToolOptions): Required<Pick<X402ToolOptions, "description" | "maxBodyBytes">> {
  const f: unknown = options?.fetch;
  const guard: unknown = typeof f === "function" ? (f as { guard?: unknown }).guard : undefined;
  if (typeof guard !== "object" || guard === null) {
    throw new TypeError("options.fetch must be a fetch made by createHardenedFetch (it has a .guard)");
  }
  const maxBodyBytes = options.maxBodyBytes ?? X402_TOOL_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 0) throw new RangeError("options.maxBodyBytes must be a non-negative integer");
  return { description: options.description ?? X402_TOOL_DESCRIPTION, maxBodyBytes };
}

/**
 * Makes one call through the hardened fetch. A refusal of the guard (an
 * {@link X402GuardError}) comes back as an {@link X402ToolRefusal}; any other
 * failure (e.g. the first request's network error) is thrown, for the
 * framework to report as a tool error.
 */
export async function runX402Tool(pay: HardenedFetch, input: X402ToolInput, maxBodyBytes: number, signal?: AbortSignal): Promise<X402ToolResult> {
  const method = input.method ?? "GET";
  const init: RequestInit = { method };
  if (input.headers) init.headers = input.headers;
  if (input.body !== undefined && method !== "GET") init.body = input.body;
  if (signal) init.signal = signal;
  let response: Response;
  try {
    response = await pay(input.url, init);
  } catch (e) {
    if (!(e instanceof X402GuardError)) throw e;
    const refusal: X402ToolRefusal = { refused: true, code: e.code, message: describe(e) };
    const answered = (e as X402GuardError & { response?: Response }).response;
    if (answered) {
      refusal.status = answered.status;
      await answered.body?.cancel().catch(() => {});
    }
    return refusal;
  }
  const bytes = await readCapped(response, maxBodyBytes + 1);
  const truncated = bytes.length > maxBodyBytes;
  // `stream: true` keeps an incomplete UTF-8 sequence at the cut out of the text.
  const body = new TextDecoder().decode(truncated ? bytes.subarray(0, maxBodyBytes) : bytes, { stream: truncated });
  return { refused: false, status: response.status, contentType: response.headers.get("content-type"), body, truncated, payment: paymentOf(response) ?? null };
}

/** The error's message without the leading `code: ` the package's errors carry. */
function describe(e: X402GuardError): string {
  const prefix = `${e.code}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}

/** One line of text for a result (what an MCP client shows the model). */
export function resultText(r: X402ToolResult): string {
  return JSON.stringify(r);
}

/**
 * Loads an optional peer dependency, or throws an error that names the
 * package to install (the subpath is unusable without it).
 */
export async function loadPeer<T>(name: string, subpath: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
    // Only the peer itself missing (a module missing inside an installed peer is that peer's error).
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String(message).includes(`'${name}'`)) {
      throw new Error(`presidio-hardened-x402/${subpath} needs the optional peer dependency "${name}", which is not installed: npm install ${name}`, { cause: e });
    }
    throw e;
  }
}
