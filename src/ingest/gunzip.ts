// Gzip input with a bound on what it expands to: mail compresses about 4:1, so output past
// MAX_RATIO times the compressed bytes read (once it is past a floor) is a bomb, reported as
// one input error before it costs gigabytes. Files and stdin go through the same stream.
import { InputError } from '../model/errors.js';

/** Output below this is never refused, whatever the ratio (small highly repetitive inputs). */
export const RATIO_FLOOR_BYTES = 64 * 1024 * 1024;
/** Largest accepted expansion once past the floor. */
export const MAX_RATIO = 50;

function zlib(): typeof import('node:zlib') {
  // Loaded only for gzip input: a review of one patch never needs zlib.
  return process.getBuiltinModule('node:zlib') as typeof import('node:zlib');
}

/**
 * Decompressed chunks of a gzip byte stream (a file's or stdin's). The ratio is taken against
 * the compressed bytes read so far, so a bomb stops the read of its source too.
 */
export async function* gunzipBounded(source: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  // 128 KiB output chunks with 1 MiB buffered ahead: zlib works on the thread pool while the
  // caller parses mail; bigger buffers gain little and cost garbage on archives.
  const gunzip = zlib().createGunzip({ chunkSize: 128 * 1024, highWaterMark: 1 << 20 } as import('node:zlib').ZlibOptions);
  let read = 0;
  const compressed = () => read;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const c of source) {
      read += c.length;
      yield c;
    }
  }
  const stream = process.getBuiltinModule('node:stream') as typeof import('node:stream');
  const input = stream.Readable.from(counted(), { objectMode: false, highWaterMark: 1 << 16 });
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  let out = 0;
  try {
    for await (const c of gunzip) {
      out += (c as Buffer).length;
      if (out > RATIO_FLOOR_BYTES && out > MAX_RATIO * compressed()) {
        gunzip.destroy();
        input.destroy();
        throw new InputError(name, `gzip data expands more than ${MAX_RATIO} times (${Math.round(out / 1048576)} MiB from ${Math.round(compressed() / 1048576)} MiB): refused as a decompression bomb`);
      }
      yield c as Buffer;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || /unexpected end|incorrect header|invalid/i.test(String((e as Error).message))) {
      throw new InputError(name, `corrupt or truncated gzip data (${(e as Error).message})`);
    }
    throw e;
  } finally {
    // A reader that stops early (a mail over its limit) stops the decompression and the source.
    gunzip.destroy();
    input.destroy();
    // Wait until the source has been let go of (stdin closed): nothing is read after an error.
    if (!input.closed) await new Promise((res) => input.once('close', res));
  }
}
