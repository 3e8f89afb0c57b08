/**
 * `presidio-hardened-x402/evm`: a {@link Signer} for {@link createHardenedFetch}
 * (and a `sign` callback for a {@link PaymentGuard}) from a viem account or
 * wallet client, signing EVM `exact` payments (EIP-3009
 * `transferWithAuthorization`) of x402 v2 and v1 with the official scheme
 * package `@x402/evm` (`ExactEvmScheme`, `ExactEvmSchemeV1`): the bytes the
 * official client would send. The guard still checks every payload it signs
 * (`payload.check`, docs/CONFIG.md).
 *
 * Needs the optional peer dependency `@x402/evm` (which brings `viem`);
 * importing this subpath without it throws an error naming the package to
 * install. The main entry point never loads it.
 *
 * ```ts
 * import { createHardenedFetch } from "presidio-hardened-x402";
 * import { evmSigner } from "presidio-hardened-x402/evm";
 * import { privateKeyToAccount } from "viem/accounts";
 * const pay = await createHardenedFetch({ signer: evmSigner(privateKeyToAccount(key)), config, replayKey, auditKey });
 * ```
 *
 * Solana (`exact` on `solana:*`) is not offered here: `@x402/svm` needs
 * `@solana/kit` and a transaction signer, and the local x402 world this is
 * tested against settles EVM only.
 */
import type { Signer, SignRequest } from "./fetch.js";
import { SignerError } from "./errors.js";
import { loadPeer } from "./agent-tool.js";

/** The EIP-712 typed data `@x402/evm` asks the account to sign. */
export interface EvmTypedData {
  domain: Record<string, unknown>;
  types: Record<string, unknown>;
  primaryType: string;
  message: Record<string, unknown>;
}

/** A viem `LocalAccount` (e.g. `privateKeyToAccount(key)`), or anything with an address and EIP-712 signing. */
export interface EvmAccount {
  readonly address: `0x${string}`;
  signTypedData(data: EvmTypedData): Promise<`0x${string}`>;
}

/** A viem `WalletClient` with an account (`createWalletClient({ account, ... })`). */
export interface EvmWalletClient {
  readonly account?: { readonly address: `0x${string}` } | undefined;
  signTypedData(args: EvmTypedData & { account: { readonly address: `0x${string}` } }): Promise<`0x${string}`>;
}

interface SchemeResult {
  payload?: unknown;
}
interface SchemeClient {
  createPaymentPayload(x402Version: number, requirements: never): Promise<SchemeResult>;
}
type SchemeCtor = new (signer: EvmAccount) => SchemeClient;

// Module names in constants: @x402/evm is an optional peer, not a build dependency of this package.
const V2_CLIENT = "@x402/evm/exact/client";
const V1_CLIENT = "@x402/evm/exact/v1/client";
const v2 = await loadPeer("@x402/evm", "evm", () => import(V2_CLIENT) as Promise<{ ExactEvmScheme: SchemeCtor }>);
const v1 = await loadPeer("@x402/evm", "evm", () => import(V1_CLIENT) as Promise<{ ExactEvmSchemeV1: SchemeCtor }>);

/** The account behind a viem account or wallet client (a wallet client without an account is refused). */
export function evmAccount(source: EvmAccount | EvmWalletClient): EvmAccount {
  if ("address" in source && typeof source.address === "string") return source;
  const w = source as EvmWalletClient;
  const account = w.account;
  if (!account || typeof account.address !== "string" || typeof w.signTypedData !== "function") {
    throw new SignerError("evmSigner: a viem account, or a wallet client created with an account, is needed");
  }
  return { address: account.address, signTypedData: (data) => w.signTypedData({ ...data, account }) };
}

/** Words for a scheme failure that hold no key material: the error's name and the offer's network and version. */
function failure(req: SignRequest, e: unknown): SignerError {
  const name = e instanceof Error ? e.name : typeof e;
  const what = e instanceof Error && /^(Unsupported|Invalid|No |Unknown|Missing)/.test(e.message) ? `: ${e.message.slice(0, 160)}` : "";
  return new SignerError(`EVM exact v${req.x402Version} on ${JSON.stringify(req.network)} could not be signed (${name}${what})`);
}

/**
 * A {@link Signer} for EVM `exact` payments (x402 v1 and v2) from a viem
 * account or wallet client. It signs exactly the requirement the guard
 * selected; a failure is a {@link SignerError} naming the version and
 * network (never the key), kept as the cause of the `signer-failed` error.
 */
export function evmSigner(source: EvmAccount | EvmWalletClient): Signer {
  const account = evmAccount(source);
  const schemes = { 1: new v1.ExactEvmSchemeV1(account), 2: new v2.ExactEvmScheme(account) };
  return async (req: SignRequest) => {
    if (!req.network.startsWith("eip155:") && req.x402Version === 2) {
      throw new SignerError(`evmSigner signs EVM networks (eip155:*), not ${JSON.stringify(req.network)}`);
    }
    let out: SchemeResult;
    try {
      out = await schemes[req.x402Version].createPaymentPayload(req.x402Version, req.requirements as never);
    } catch (e) {
      throw failure(req, e);
    }
    if (!out || typeof out.payload !== "object" || out.payload === null) throw new SignerError("@x402/evm returned no payload");
    return out.payload as Record<string, unknown>;
  };
}
