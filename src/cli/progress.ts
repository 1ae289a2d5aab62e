// Progress on long runs, on stderr when it is a terminal (cli-progress, loaded only then): with a
// known number of input files, a bar with the percentage, the rate and the time left; otherwise
// a count with the rate. The bar is cleared at the end; the caller prints the summary line.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { CliIO } from './io.js';

const FOLDER_FILES = /\.(patch|diff|eml|mbox)$/;

/** How many input files a run reads, or null when one input is stdin or a git range. */
export function inputFileCount(inputs: string[], ranges: string[]): number | null {
  if (ranges.length > 0 || inputs.includes('-')) return null;
  let n = 0;
  for (const i of inputs) {
    try {
      n += statSync(i).isDirectory() ? readdirSync(i).filter((f) => FOLDER_FILES.test(f)).length : 1;
    } catch {
      return null;
    }
  }
  return n;
}

export interface Progress {
  /** One more patch reviewed, from this item source ("file.patch", "series.mbox#3"). */
  patch(source: string): void;
  stop(): void;
}

/** The file an item source names ("a.mbox#12" → "a.mbox"). */
const fileOf = (source: string) => source.replace(/#\d+$/, '');

export function progressBar(io: CliIO, files: number | null): Progress {
  const { SingleBar } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  // cli-progress writes through a stream; ours is io.stderr (synchronous writes to fd 2).
  const stream = { write: (t: string) => (io.stderr(t), true), isTTY: true, columns: 100 };
  const known = files !== null && files > 1;
  const bar = new SingleBar({
    stream: stream as unknown as NodeJS.WritableStream,
    format: known ? '{bar} {percentage}% | {value}/{total} files | {patches} patches | {rate}/s | ETA {eta_formatted}' : '{patches} patches | {rate}/s | {duration_formatted}',
    hideCursor: false,
    clearOnComplete: true,
    fps: 10,
    etaBuffer: 50,
    noTTYOutput: false,
  });
  const started = Date.now();
  let patches = 0;
  let done = 0;
  let current: string | null = null;
  bar.start(known ? files : 0, 0, { patches: 0, rate: '0' });
  return {
    patch(source) {
      patches++;
      const file = fileOf(source);
      if (current !== null && file !== current) done++;
      current = file;
      const rate = (patches / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1);
      bar.update(known ? done : 0, { patches, rate });
    },
    stop() {
      if (known) bar.update(files!, { patches });
      bar.stop();
    },
  };
}
