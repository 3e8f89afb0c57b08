// Type-checked by types.test.mjs against the installed package's .d.ts.
import { PaymentGuard, createHardenedFetch, hardenX402Client, MemoryStore, X402GuardError, PolicyViolationError, type Payment, type Signer } from "presidio-hardened-x402";

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
  const e: X402GuardError = new PolicyViolationError("policy-per-call-exceeded");
  void [code, r, e.code];
}
void main;
