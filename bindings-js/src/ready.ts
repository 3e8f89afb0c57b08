/**
 * Whether the WebAssembly module is initialised: set by the entry points
 * (Node at import, browsers in `init()`), read by every module that calls
 * into the core. Its own module so that the error and metric tables can
 * check it without importing `core.ts` (which imports them).
 */
let ready = false;

/** Marks the module initialised (called by the node/browser entry points). */
export function markReady(): void {
  ready = true;
}

/** Whether the WebAssembly module is initialised. */
export function isReady(): boolean {
  return ready;
}

/** The message of the error thrown when the core is used before `init()`. */
export const NOT_READY = "presidio-hardened-x402: call `await init()` first (browser entry)";
