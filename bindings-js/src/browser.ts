/**
 * Browser / service-worker entry point. Call `await init()` once before use:
 * it fetches the `.wasm` next to this module (relative to `import.meta.url`),
 * or takes `{ module_or_path }` (a URL, Response, bytes or WebAssembly.Module).
 */
import initWasm, { type InitInput } from "./wasm/presidio_x402_js.js";
import { isReady, markReady } from "./core.js";

export * from "./common.js";

let pending: Promise<void> | null = null;

/** Initialises the WebAssembly core (idempotent). */
export function init(source?: { module_or_path?: unknown }): Promise<void> {
  if (isReady()) return Promise.resolve();
  pending ??= (async () => {
    await initWasm({ module_or_path: (source?.module_or_path ?? new URL("./wasm/presidio_x402_js_bg.wasm", import.meta.url)) as InitInput });
    markReady();
  })();
  return pending;
}
