// Files other programs may read while we write them (caches, indexes, hook state, reports) are
// written to a temporary name beside them and renamed into place: a reader sees the old file
// or the new one, never half of one. The one module that does this.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../model/errors.js';

let counter = 0;

/** Writes `data` to `path` whole or not at all (the directory must exist). Throws the fs error; the temporary file is removed. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** writeFileAtomic for an output the user named: a failure is an input error naming the file. */
export function writeOutputAtomic(path: string, data: string | Uint8Array): void {
  try {
    writeFileAtomic(path, data);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' ? 'cannot write: its directory does not exist' : code === 'EISDIR' ? 'cannot write: is a directory' : `cannot write (${code ?? 'error'})`;
    throw new InputError(path, problem);
  }
}
