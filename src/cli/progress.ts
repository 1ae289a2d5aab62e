// Progress on long runs, on stderr (cli-progress, loaded only then): when the input's size is
// known (files and folders; compressed bytes for .gz), a bar over the bytes read with the
// percentage, the rate and the time left, so one big mbox gets them too; otherwise (stdin, git
// ranges) a count of patches with the rate. The bar is cleared at the end; the caller prints the
// summary line. Nothing of it goes to stdout or to an --output file.
import { createRequire } from 'node:module';
import type { CliIO } from './io.js';

export interface Progress {
  /** One more patch reviewed. */
  patch(): void;
  stop(): void;
}

/** "3.4 MiB", "812 KiB", "95 B": a byte count as a reader takes it in at a glance. */
export function bytesText(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${Math.round(n / (1 << 10))} KiB`;
  return `${n} B`;
}

/**
 * A progress bar on io.stderr. `totalBytes`: the input's size, or null when unknown;
 * `bytesRead`: how much of it the input reader has read so far.
 */
export function progressBar(io: CliIO, totalBytes: number | null, bytesRead: () => number): Progress {
  const { SingleBar } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  // cli-progress writes through a stream; ours is io.stderr (synchronous writes to fd 2).
  // Off a terminal (--progress asked for it) it writes a line every two seconds instead of redrawing one.
  const stream = { write: (t: string) => (io.stderr(t), true), isTTY: io.stderrIsTTY, columns: 100 };
  const known = totalBytes !== null && totalBytes > 0;
  const bar = new SingleBar({
    stream: stream as unknown as NodeJS.WritableStream,
    format: known
      ? '{bar} {percentage}% | {read} of {size} | {patches} patches | {rate} patches/s | ETA {eta_formatted}'
      : '{patches} patches | {rate} patches/s | {duration_formatted}',
    barsize: 24,
    hideCursor: false,
    clearOnComplete: true,
    fps: 10,
    etaBuffer: 50,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  const started = Date.now();
  let patches = 0;
  const payload = () => ({
    patches,
    rate: (patches / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1),
    read: bytesText(Math.min(bytesRead(), totalBytes ?? Infinity)),
    size: bytesText(totalBytes ?? 0),
  });
  bar.start(known ? totalBytes : 0, 0, payload());
  return {
    patch() {
      patches++;
      bar.update(known ? Math.min(bytesRead(), totalBytes) : 0, payload());
    },
    stop() {
      if (known) bar.update(totalBytes, payload());
      bar.stop();
    },
  };
}
