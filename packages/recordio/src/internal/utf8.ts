/**
 * The number of bytes `TextEncoder` produces for `text`, counted without
 * encoding it, so the encoder can size its single output buffer exactly.
 * Matches `TextEncoder`'s treatment of lone surrogates (each becomes U+FFFD,
 * three bytes).
 */
export function utf8ByteLength(text: string): number {
  const n = text.length;
  let bytes = n;
  for (let i = 0; i < n; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      bytes += 1;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair: two UTF-16 units, four bytes.
        bytes += 2;
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

/**
 * The byte length function the encoder uses: Node's `Buffer.byteLength`
 * where it exists (it counts in native code, about ten times faster than
 * {@link utf8ByteLength} on ASCII, which is what JSON events mostly are), and
 * the portable loop elsewhere. Both agree with `TextEncoder`, lone surrogates
 * included (a property test checks it).
 */
export const byteLengthOf: (text: string) => number =
  typeof Buffer === 'function' && typeof Buffer.byteLength === 'function' ? (text) => Buffer.byteLength(text, 'utf8') : utf8ByteLength;

/** One shared encoder; `TextEncoder` is stateless, so sharing is safe. */
export const textEncoder = new TextEncoder();

/** Turns a chunk given as text into its UTF-8 bytes; bytes pass through untouched. */
export function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === 'string' ? textEncoder.encode(chunk) : chunk;
}
