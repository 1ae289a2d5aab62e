// Output sinks. Files are written through io/atomic-write (a temporary file renamed at the
// end), so a failed run never leaves a half-written report. Standard output is held back until
// the whole input has been read and reviewed: the first 8 MiB in memory, the rest in a
// temporary file, copied out at the end; an input error found late still leaves stdout empty.
import { openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIO } from './io.js';
import { AtomicFile } from '../io/atomic-write.js';
import { InputError } from '../model/errors.js';

export interface Sink {
  write(text: string): void;
  commit(): void;
  abort(): void;
}

const STDOUT_HOLD = 8 * 1024 * 1024;
const COPY_CHUNK = 1 << 20;

export function stdoutSink(io: CliIO): Sink {
  let held: string[] = [];
  let size = 0;
  let spill: AtomicFile | null = null;
  const dropSpill = () => {
    spill?.abort();
    spill = null;
  };
  return {
    write(t) {
      if (spill) return spill.write(t);
      held.push(t);
      size += t.length;
      if (size > STDOUT_HOLD) {
        // Past the bound: on to a temporary file that is removed whatever happens.
        const tmpdir = (process.getBuiltinModule('node:os') as typeof import('node:os')).tmpdir();
        spill = new AtomicFile(join(tmpdir, 'patch-review-stdout'));
        for (const h of held) spill.write(h);
        held = [];
      }
    },
    commit() {
      if (spill) {
        const fd = openSync(spill.tmp.path, 'r');
        try {
          // Text out in 1 MiB pieces; the decoder keeps a character split between pieces whole.
          const { StringDecoder } = process.getBuiltinModule('node:string_decoder') as typeof import('node:string_decoder');
          const decoder = new StringDecoder('utf8');
          const buf = Buffer.alloc(COPY_CHUNK);
          for (let n = readSync(fd, buf, 0, COPY_CHUNK, null); n > 0; n = readSync(fd, buf, 0, COPY_CHUNK, null)) io.stdout(decoder.write(buf.subarray(0, n)));
          io.stdout(decoder.end());
        } finally {
          closeSync(fd);
          dropSpill();
        }
      }
      if (held.length) io.stdout(held.join(''));
      held = [];
    },
    abort() {
      held = [];
      dropSpill();
    },
  };
}

export function fileSink(path: string): Sink {
  let file: AtomicFile;
  try {
    file = new AtomicFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(path, code === 'EISDIR' ? 'is a directory: --output needs a file name' : `cannot write output (${code})`);
  }
  return {
    write: (t) => file.write(t),
    commit: () => file.commit(),
    abort: () => file.abort(),
  };
}
