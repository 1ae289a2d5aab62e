// Output sinks. Files are written to a temporary name and renamed at the end, so a failed run
// never leaves a half-written report. Standard output is held back (up to a bound) so that an
// input error found early leaves stdout empty.
import { openSync, writeSync, closeSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { CliIO } from './io.js';

export interface Sink {
  write(text: string): void;
  commit(): void;
  abort(): void;
}

const STDOUT_HOLD = 8 * 1024 * 1024;

export function stdoutSink(io: CliIO): Sink {
  let held: string[] = [];
  let size = 0;
  let streaming = false;
  return {
    write(t) {
      if (streaming) return io.stdout(t);
      held.push(t);
      size += t.length;
      if (size > STDOUT_HOLD) {
        streaming = true;
        io.stdout(held.join(''));
        held = [];
      }
    },
    commit() {
      if (held.length) io.stdout(held.join(''));
      held = [];
    },
    abort() {
      held = [];
    },
  };
}

export function fileSink(path: string): Sink {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  let open = true;
  return {
    write(t) {
      writeSync(fd, t);
    },
    commit() {
      if (!open) return;
      closeSync(fd);
      open = false;
      renameSync(tmp, path);
    },
    abort() {
      if (!open) return;
      closeSync(fd);
      open = false;
      try {
        unlinkSync(tmp);
      } catch {
        /* already gone */
      }
    },
  };
}
