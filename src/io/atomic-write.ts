// Every file patch-review writes (reports, hook state, knowledge cache, inbox database, site,
// spec index) goes through here: the data is written to a temporary file (the site: a
// temporary directory) beside the target,
// created with O_EXCL and O_NOFOLLOW (a planted file or symlink at that name is never opened
// or written through), and renamed over the target when complete, so a reader sees the old
// file or the new one, never half of one. Temporary files and directories are removed on exit
// and on SIGINT/SIGTERM/SIGHUP; ones a SIGKILL left behind are swept the next time the same
// target is written (their process is gone).
import { openSync, writeSync, closeSync, renameSync, unlinkSync, readdirSync, statSync, constants, mkdirSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { InputError } from '../model/errors.js';
import { processAlive } from './process-alive.js';

const pending = new Set<string>();
let hooked = false;
let counter = 0;

function removePending(): void {
  for (const p of pending) removeTemp(p);
  pending.clear();
}

/** A temporary file, or a directory with what was written into it so far. */
function removeTemp(path: string): void {
  try {
    // Retries: a write still finishing on the thread pool can refill a directory being emptied.
    rmSync(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 10 });
  } catch {
    /* gone, or someone else removes it */
  }
}

function onSignal(sig: NodeJS.Signals): void {
  removePending();
  // Die of the same signal, as the shell expects.
  process.removeAllListeners(sig);
  process.kill(process.pid, sig);
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let signalsHooked = false;

/** A temporary file or directory to remove on exit and on signals. */
function track(path: string): void {
  pending.add(path);
  if (!hooked) {
    hooked = true;
    process.on('exit', removePending);
  }
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of SIGNALS) {
    if (process.listenerCount(sig) === 0) process.once(sig, onSignal);
  }
}

/**
 * Renamed into place or removed. With nothing left to clean up the signal listeners go: a
 * listener runs only when the event loop turns, which a long review holds up, while without
 * one a signal ends the process at once.
 */
function untrack(path: string): void {
  pending.delete(path);
  if (pending.size > 0 || !signalsHooked) return;
  signalsHooked = false;
  for (const sig of SIGNALS) process.removeListener(sig, onSignal);
}

/** ".name.PID.N.tmp": the pid lets a later run tell a dead writer's leftovers from a live one's. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-z]+\.tmp$/;

/** Removes temporary files for this target whose writer no longer runs (a SIGKILL). */
function sweepStale(dir: string, base: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const m = TEMP_NAME.exec(n);
    if (!m || m[1] !== base || Number(m[2]) === process.pid || processAlive(Number(m[2]))) continue;
    removeTemp(join(dir, n));
  }
}

/** ".name.PID.N.tmp" beside target, a name no other writer uses. */
function tempName(dir: string, base: string): string {
  const suffix = `${(++counter).toString(36)}${Math.floor(Math.random() * 0x7fffffff).toString(36)}`;
  return join(dir, `.${base}.${process.pid}.${suffix}.tmp`);
}

/** Creates a temporary file or directory with `make`, retrying on a name already taken. */
function createTemp(target: string, make: (path: string) => number): TempFile {
  const dir = dirname(target);
  sweepStale(dir, basename(target));
  for (let attempt = 0; ; attempt++) {
    const path = tempName(dir, basename(target));
    try {
      const fd = make(path);
      track(path);
      return { path, fd };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 100) throw e;
    }
  }
}

export interface TempFile {
  path: string;
  fd: number;
}

/** A new temporary file beside target, opened for writing; never an existing file or a symlink. */
function createTempBeside(target: string, mode = 0o666): TempFile {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  return createTemp(target, (path) => openSync(path, flags, mode));
}

/**
 * A new temporary directory beside target (mkdir never reuses an existing name nor follows a
 * symlink), removed with its contents on exit and on signals until released.
 */
export function createTempDirBeside(target: string): string {
  return createTemp(target, (path) => {
    mkdirSync(path);
    return -1;
  }).path;
}

/** The temporary file or directory was renamed into place or removed: exit and signals leave it alone. */
export function releaseTemp(path: string): void {
  untrack(path);
}

/** Removes a temporary file or directory now (an aborted build). */
export function discardTemp(path: string): void {
  removeTemp(path);
  untrack(path);
}

/** An atomic writer: write() as often as needed, then commit() (rename) or abort() (remove). */
export class AtomicFile {
  readonly tmp: TempFile;
  private open = true;

  constructor(readonly target: string, mode?: number) {
    refuseDirectory(target);
    this.tmp = createTempBeside(target, mode);
  }

  write(data: string | Uint8Array): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(this.tmp.fd, buf, off, buf.length - off);
  }

  commit(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.tmp.fd);
    try {
      renameSync(this.tmp.path, this.target);
    } catch (e) {
      this.remove();
      throw e;
    }
    untrack(this.tmp.path);
  }

  abort(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.tmp.fd);
    this.remove();
  }

  private remove(): void {
    untrack(this.tmp.path);
    try {
      unlinkSync(this.tmp.path);
    } catch {
      /* already gone */
    }
  }
}

/** A directory where a file should go is a clear error, not a rename failing at the end. */
function refuseDirectory(target: string): void {
  let isDir = false;
  try {
    isDir = statSync(target).isDirectory();
  } catch {
    /* does not exist yet: fine */
  }
  if (isDir) throw Object.assign(new Error(`${target} is a directory (give a file name)`), { code: 'EISDIR', path: target });
}

/** Writes a whole file atomically (creating its folder when mkdir is set). */
export function writeFileAtomic(target: string, data: string | Uint8Array, opts: { mode?: number; mkdir?: boolean } = {}): void {
  if (opts.mkdir) mkdirSync(dirname(target), { recursive: true });
  const f = new AtomicFile(target, opts.mode);
  try {
    f.write(data);
  } catch (e) {
    f.abort();
    throw e;
  }
  f.commit();
}

/**
 * Lets a SIGINT/SIGTERM/SIGHUP that arrived during synchronous work (a long analysis) run its
 * cleanup before the caller commits: a listener only runs when the event loop turns, and the
 * first turn can end before libuv has read the signal, so this waits for two.
 */
export async function settleSignals(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((res) => setImmediate(res));
}

/** Temporary files of this process not yet committed (tests). */
export function pendingTempFiles(): string[] {
  return [...pending];
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
