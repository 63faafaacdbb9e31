// Strict UTF-8: text that is not UTF-8 is refused naming where, never imported with U+FFFD in
// place of the bytes (`caf\xe9` must not reach Customer.io as `caf�`).
import { isUtf8 } from 'node:buffer';

export { isUtf8 };

const lossy = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Where the first byte that is not UTF-8 sits: 1-based byte and character positions. */
export interface InvalidUtf8 {
  byte: number;
  char: number;
}

/**
 * The first invalid sequence of `bytes`, or undefined when they are UTF-8. Decoding with
 * replacement keeps everything before the first invalid sequence exact, so its byte position is
 * the UTF-8 length of the text before the first U+FFFD that was not in the input as such.
 */
export function firstInvalidUtf8(bytes: Uint8Array): InvalidUtf8 | undefined {
  if (isUtf8(bytes)) return undefined;
  const text = lossy.decode(bytes);
  for (let at = text.indexOf('\uFFFD'); at !== -1; at = text.indexOf('\uFFFD', at + 1)) {
    const before = text.slice(0, at);
    const byte = Buffer.byteLength(before);
    const literal = bytes[byte] === 0xef && bytes[byte + 1] === 0xbf && bytes[byte + 2] === 0xbd;
    if (!literal) return { byte: byte + 1, char: [...before].length + 1 };
  }
  return { byte: bytes.length, char: [...text].length }; // not reached: isUtf8 said there is one
}

/** Text of bytes known to be invalid, for showing the line in the failed file. */
export function lossyText(bytes: Uint8Array): string {
  return lossy.decode(bytes);
}
