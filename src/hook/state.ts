// Series state between sendemail-validate runs. git send-email starts the hook once per file,
// so the summary that the engine's series tracker keeps in memory for an mbox is kept here in a file under
// the git directory instead; the review itself is the engine's `reviewOne`.
import { readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
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
  /** Who sends it (From:): two people's sends in one repository never share a state. */
  sender?: string;
  /** When its patch 1 was seen: interleaved sends without threading headers continue oldest first. */
  created?: number;
}

/** State older than this belongs to a send that never finished. */
export const STALE_MS = 60 * 60 * 1000;

/** The folder of per-series state files (one file per series being sent). */
export function statePath(gitDir: string): string {
  return join(gitDir, 'patch-review', 'series');
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
  writeFileAtomic(path, JSON.stringify(s), { mkdir: true });
}

/** FNV-1a, 52 bits: a file name for a series key (no crypto module on the hook's path). */
function keyName(key: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < key.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(key.charCodeAt(i))) * 0x100000001b3n);
  return `${h.toString(16).padStart(16, '0')}.json`;
}

/**
 * The state file of the series a patch belongs to: keyed by thread root (the first
 * References entry, else In-Reply-To, else patch 1's own Message-ID), version, total and
 * sender. A later patch without threading headers continues the oldest open series of the
 * same sender, version and length that expects it. Stale files are removed on the way.
 */
export function seriesSlot(dir: string, patch: Patch, now: number): string {
  const { index, total, version } = patch.prefix;
  const base = `${patch.author}\u0000v${version}\u0000${total}\u0000`;
  const root = patch.references[0] ?? patch.inReplyTo ?? null;
  if (total === null || total <= 1 || index === null) return join(dir, keyName(`${base}single`));
  if (index === 1) return join(dir, keyName(base + (root ?? patch.messageId ?? `${process.pid}-${now}`)));
  if (root) return join(dir, keyName(base + root));
  let best: { path: string; created: number } | null = null;
  for (const n of listDir(dir)) {
    const path = join(dir, n);
    const s = readState(path);
    if (!s || now - s.updated >= STALE_MS) {
      if (n.endsWith('.json')) clearState(path);
      continue;
    }
    if (s.sender !== patch.author || s.version !== version || s.total !== total || s.next !== index) continue;
    const created = s.created ?? s.updated;
    if (!best || created < best.created) best = { path, created };
  }
  return best?.path ?? join(dir, keyName(`${base}unthreaded-${index}`));
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
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
  return { series, after: { v: 1, version, total, next: index + 1, updated: now, series, sender: patch.author, created: continues ? (usable.created ?? usable.updated) : now } };
}
