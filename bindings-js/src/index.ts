/** Types of the package (both entry points export the same API plus `init`). */
export * from "./common.js";
export declare function init(source?: { module_or_path?: unknown }): Promise<void>;
export { FileStore, FileAuditSink, streamAuditSink, resolveHost, pinnedFetch, loadPolicyFile, writeAtomic, verifyAuditDir, complianceReport, type ComplianceReport, type ComplianceReportData, type FileStoreOptions, type AuditDirHeads } from "./node-io.js";
export { RedisStore, type RedisStoreOptions, type RedisClientLike } from "./redis-store.js";
