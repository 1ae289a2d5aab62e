// The built site is written into a temporary directory beside the target and renamed into
// place at the end, so a failed build never leaves a half-written site. The directory is made
// and cleaned up the way atomic writes are (io/atomic-write.ts): removed on exit and on
// SIGINT/SIGTERM/SIGHUP, and swept by the next build when a SIGKILL left it. A marker file says
// a directory is a site we built: only such a directory (or an empty one) is ever replaced.
import { mkdirSync, writeFileSync, renameSync, rmSync, existsSync, readdirSync, statSync, copyFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { InputError } from '../model/errors.js';
import { createTempDirBeside, discardTemp, releaseTemp } from '../io/atomic-write.js';

export const SITE_MARKER = '.patch-review-site';
const MAX_PENDING_WRITES = 32;

export class SiteWriter {
  readonly dir: string;
  readonly tmp: string;
  private done = false;
  files = 0;

  constructor(target: string) {
    this.dir = resolve(target);
    checkReplaceable(this.dir);
    mkdirSync(dirname(this.dir), { recursive: true });
    this.tmp = createTempDirBeside(this.dir);
  }

  private readonly dirs = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown = null;

  /**
   * `rel` is a site path with "/" separators, never leaving the site. Pages are written in
   * the background (a bounded number at a time) while the next ones render: with ~2000
   * small files the build would otherwise wait on the file system most of the time.
   */
  async write(rel: string, content: string | Buffer): Promise<void> {
    const p = this.path(rel);
    const dir = dirname(p);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    this.files++;
    while (this.pending.size >= MAX_PENDING_WRITES) await Promise.race(this.pending);
    if (this.failure) throw this.failure;
    const w: Promise<void> = writeFile(p, content).then(
      () => void this.pending.delete(w),
      (e: unknown) => {
        this.pending.delete(w);
        this.failure ??= e;
      },
    );
    this.pending.add(w);
  }

  /** Waits for the background writes; throws the first error any of them hit. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
    if (this.failure) throw this.failure;
  }

  copy(rel: string, from: string): void {
    const p = this.path(rel);
    mkdirSync(dirname(p), { recursive: true });
    copyFileSync(from, p);
    this.files++;
  }

  async commit(): Promise<void> {
    await this.flush();
    writeFileSync(join(this.tmp, SITE_MARKER), 'Built by `patch-review site build`; the next build replaces this directory.\n');
    const old = `${this.tmp}.old`;
    const hadOld = existsSync(this.dir);
    if (hadOld) renameSync(this.dir, old);
    try {
      renameSync(this.tmp, this.dir);
      releaseTemp(this.tmp);
    } catch (e) {
      if (hadOld) renameSync(old, this.dir);
      throw e;
    }
    this.done = true;
    if (hadOld) rmSync(old, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await Promise.allSettled(this.pending);
    discardTemp(this.tmp);
  }

  private path(rel: string): string {
    const p = resolve(this.tmp, ...rel.split('/'));
    if (!p.startsWith(this.tmp + sep)) throw new Error(`site path escapes the output directory: ${rel}`);
    return p;
  }
}

function checkReplaceable(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new InputError(dir, 'exists and is not a directory');
  const names = readdirSync(dir);
  if (names.length > 0 && !names.includes(SITE_MARKER)) {
    throw new InputError(dir, `exists, is not empty and was not built by patch-review (no ${SITE_MARKER}): choose another --out or remove it`);
  }
}
