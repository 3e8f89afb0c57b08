/** Standard padded base64 over UTF-8 (the x402 header encoding). */
export function b64encodeUtf8(text: string): string {
  return b64encodeBytes(new TextEncoder().encode(text));
}

/** Standard padded base64 of bytes. */
export function b64encodeBytes(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Decodes standard base64 to UTF-8 text; throws on bad input. */
export function b64decodeUtf8(b64: string): string {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}
