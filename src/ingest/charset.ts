// Bytes → text in a declared charset, never throwing: unknown labels fall back to UTF-8,
// and invalid sequences become U+FFFD (the input is someone's mail, not ours to reject).
import { isAscii } from 'node:buffer';

const decoders = new Map<string, TextDecoder>();

function decoderFor(charset: string): TextDecoder {
  const label = charset.trim().toLowerCase().replace(/^"|"$/g, '') || 'utf-8';
  let d = decoders.get(label);
  if (!d) {
    try {
      d = new TextDecoder(label === 'utf8' ? 'utf-8' : label);
    } catch {
      d = decoders.get('utf-8') ?? new TextDecoder('utf-8');
    }
    decoders.set(label, d);
  }
  return d;
}

export function decodeBytes(bytes: Uint8Array, charset: string): string {
  if (bytes.length === 0) return '';
  // Fast path: pure ASCII is the same in every charset we meet on the list. isAscii is native:
  // a loop here runs on Buffers and plain Uint8Arrays alike (--jobs workers), and goes polymorphic.
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return decoderFor(charset).decode(bytes);
}
