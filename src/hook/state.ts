// Series state between sendemail-validate runs. git send-email starts the hook once per file,
// so the summary that the engine's series tracker keeps in memory for an mbox is kept here in a file under
// the git directory instead; the review itself is the engine's `reviewOne`.
import { mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { dirname, join } from 'node:path';
import type { Patch } from '../model/patch.js';
import { newSeries, seriesKeyOf, type SeriesSummary } from '../analyze/series.js';

export interface SendState {
  v: 1;
  version: number;
  total: number;
  /** The patch index expected next. */
  next: number;
  /** Milliseconds since the epoch of the last write: an abandoned send's state goes stale. */
  updated: number;
  series: SeriesSummary;
}

/** State older than this belongs to a send that never finished. */
export const STALE_MS = 60 * 60 * 1000;

export function statePath(gitDir: string): string {
  return join(gitDir, 'patch-review', 'send-email-series.json');
}

export function readState(path: string): SendState | null {
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as SendState;
    return s && s.v === 1 && typeof s.next === 'number' && s.series ? s : null;
  } catch {
    return null;
  }
}

export function writeState(path: string, s: SendState): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, JSON.stringify(s));
}

export function clearState(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* nothing to clear */
  }
}

/** GIT_SENDEMAIL_FILE_COUNTER / _TOTAL (git 2.41+): which file of the send this is. */
export interface SendPosition {
  counter: number;
  total: number;
}

export function sendPosition(env: NodeJS.ProcessEnv): SendPosition | null {
  const counter = Number(env['GIT_SENDEMAIL_FILE_COUNTER']);
  const total = Number(env['GIT_SENDEMAIL_FILE_TOTAL']);
  return Number.isInteger(counter) && Number.isInteger(total) && counter >= 1 && total >= counter ? { counter, total } : null;
}

export interface SeriesStep {
  /** The summary to review this patch against; undefined: judge the patch alone, no series facts. */
  series: SeriesSummary | undefined;
  /** What to store after the review; null: remove the state. */
  after: SendState | null;
}

/**
 * Decides how a patch joins its series. A multi-patch series is followed from its patch 1 to its
 * last; a send that starts in the middle of a series gets no series facts (they would be judged
 * on part of it). Pure: the caller reads and writes the state.
 */
export function seriesStep(patch: Patch, prior: SendState | null, position: SendPosition | null, now: number): SeriesStep {
  const { index, total, version } = patch.prefix;
  if (total === null || total <= 1 || index === null) return { series: newSeries(seriesKeyOf(patch)), after: null };
  // The first file of a send never continues an earlier send.
  const usable = prior && position?.counter !== 1 && now - prior.updated < STALE_MS ? prior : null;
  const continues = usable !== null && usable.total === total && usable.version === version && usable.next === index;
  const series = continues ? usable.series : index === 1 ? newSeries(seriesKeyOf(patch)) : undefined;
  const lastOfSend = position !== null && position.counter === position.total;
  if (!series || index >= total || lastOfSend) return { series, after: null };
  return { series, after: { v: 1, version, total, next: index + 1, updated: now, series } };
}
