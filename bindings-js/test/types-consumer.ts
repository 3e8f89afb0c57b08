// Type-checked by types.test.mjs against the installed package's .d.ts.
import { PaymentGuard, createHardenedFetch, hardenX402Client, MemoryStore, X402GuardError, PolicyViolationError, type Payment, type Signer, type GuardConfig } from "presidio-hardened-x402";
import { wrapFetchWithPayment, x402Client, x402HTTPClient } from "@x402/fetch";

const signer: Signer = async (req) => ({ signature: "0x", amount: req.amount });
async function main(): Promise<void> {
  const g = await PaymentGuard.create({ store: new MemoryStore(), config: { max_per_call_usd: "0.10" } });
  const p: Payment = await g.begin({ url: "https://a.example/x", paymentRequired: null });
  const code: string | null = p.action.do === "done" ? p.action.code : null;
  if (p.action.do === "sign") await g.resume(p, { on: "signer-failed" });
  const f = await createHardenedFetch({ signer, guard: g });
  const r: Response = await f("https://a.example/x");
  const h = await hardenX402Client({}, { guard: g });
  h.fetch(fetch);
  // One wrapper: the hardened client is the SDK's own x402HTTPClient type, no cast (issue 22 item 2).
  const hardened = await hardenX402Client(new x402HTTPClient(new x402Client()), { guard: g });
  const sdk: x402HTTPClient = hardened;
  const pay: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> = wrapFetchWithPayment(fetch, hardened);
  const guarded: PaymentGuard = hardened.guard;
  try {
    await pay("https://a.example/x");
  } catch (err) {
    if (err instanceof X402GuardError) void [err.code, err.auditLine];
  }
  // The old shape still type-checks (deprecated).
  wrapFetchWithPayment(hardened.fetch(fetch), hardened);
  void [sdk, guarded];
  const e: X402GuardError = new PolicyViolationError("policy-per-call-exceeded");
  void [code, r, e.code];
}
// The configuration is typed (generated from the schema): keys, nested tables and enums are checked.
const config: GuardConfig = { max_per_call_usd: "0.10", daily_limit_usd: null, pii: { action: "block" }, mpa: { threshold: 1, approvers: [{ approver_id: "a", webhook_url: "https://a.example" }] } };
// @ts-expect-error: an unknown PII action
const badAction: GuardConfig = { pii: { action: "shout" } };
// @ts-expect-error: a typo in a key
const typo: GuardConfig = { max_per_cal_usd: "1" };
void [config, badAction, typo];
void main;
