/**
 * Policy files: JSON or TOML text turned into the core's configuration
 * object and validated by the core, which reports every problem with its
 * path. Nothing is decided here.
 */
import { call } from "./core.js";
import { PolicyConfigError } from "./errors.js";
import type { GuardConfig } from "./config-types.js";

/** The core's validation result. */
export interface Validation {
  valid: boolean;
  errors: { path: string; code: string }[];
  [k: string]: unknown;
}

function plain(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

/**
 * Parses policy text (`json` or `toml`) into a configuration object. The
 * TOML parser (`smol-toml`) is loaded only when needed, so the browser entry
 * has no bare imports.
 */
export async function parsePolicy(text: string, format: "json" | "toml"): Promise<Record<string, unknown>> {
  let parseToml: ((t: string) => unknown) | undefined;
  if (format === "toml") {
    try {
      parseToml = (await import("smol-toml")).parse;
    } catch {
      throw new PolicyConfigError([{ path: "", code: "config-malformed" }]);
    }
  }
  try {
    const v: unknown = format === "toml" ? parseToml!(text) : JSON.parse(text);
    return plain(v) as Record<string, unknown>;
  } catch {
    throw new PolicyConfigError([{ path: "", code: "config-malformed" }]);
  }
}

/** Validates a configuration with the core; returns every error with its path. */
export function validateConfig(config: unknown): Validation {
  return call<Validation>("config.validate", { config });
}

/** Parses and validates policy text; throws {@link PolicyConfigError} listing every problem. */
export async function loadPolicy(text: string, format: "json" | "toml"): Promise<GuardConfig> {
  const cfg = await parsePolicy(text, format);
  const v = validateConfig(cfg);
  if (!v.valid) throw new PolicyConfigError(v.errors);
  return cfg;
}
