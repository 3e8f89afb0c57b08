/**
 * Node entry point: the WebAssembly module is compiled synchronously from
 * the bytes shipped in the package, so everything works right after import.
 */
import { readFileSync } from "node:fs";
import { initSync } from "./wasm/presidio_x402_js.js";
import { markReady } from "./core.js";
import { setDefaultResolver, setDefaultPinnedFetch } from "./approvals.js";
import { resolveHost, pinnedFetch } from "./node-io.js";

initSync({ module: readFileSync(new URL("./wasm/presidio_x402_js_bg.wasm", import.meta.url)) });
markReady();
setDefaultResolver(resolveHost);
setDefaultPinnedFetch(pinnedFetch);

export * from "./common.js";
export { FileStore, FileAuditSink, streamAuditSink, resolveHost, pinnedFetch, loadPolicyFile, writeAtomic, verifyAuditDir, complianceReport, type ComplianceReport, type ComplianceReportData, type FileStoreOptions, type AuditDirHeads } from "./node-io.js";
export { RedisStore, type RedisStoreOptions, type RedisClientLike } from "./redis-store.js";

/** Already initialised in Node; kept for code shared with browsers. */
export async function init(): Promise<void> {}
