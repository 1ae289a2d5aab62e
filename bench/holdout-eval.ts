// The held-out evaluation (issue 14): real patch mails from ../shared/corpus that the knowledge
// base was not written from, labelled by reading their review threads (eval/labels/*.jsonl,
// built from eval/candidates.jsonl). The pool was split into a develop half and a test half by
// a keyed hash of the thread root before any entry was written against it.
//
// The test half is reported through totals only: per-mail detail is printed for the develop
// half alone, so that the test half never turns into a second develop set. The develop half is
// split once more, by thread, into a design part (per-mail detail) and a check part (totals
// only): a detector that lifts the design part but not the check part is tuned to its mails.
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../src/io/paths.js';
import { openReview } from '../src/engine/index.js';
import { parseMail } from '../src/ingest/mail.js';
import { extractPatch } from '../src/ingest/extract.js';
import { openMaybeGzip, splitMbox } from '../src/ingest/mbox.js';
import { SEVERITY_RANK, type Finding } from '../src/model/finding.js';

export const EVAL_DIR = join(PACKAGE_ROOT, 'eval');
export const CORPUS_DIR = resolve(PACKAGE_ROOT, '..', 'shared', 'corpus');
export const HALVES = ['develop', 'test'] as const;
export type Half = (typeof HALVES)[number];

export interface HoldoutLabel {
  id: string;
  message_id: string;
  source: string;
  thread_root: string;
  half: Half;
  area: string;
  kind: 'labeled' | 'control';
  category?: string;
  concern?: string;
  reply_message_id?: string;
  symbols?: string[];
}

export interface HoldoutResult {
  label: HoldoutLabel;
  found: boolean;
  namesConcern: boolean;
  errors: number;
  warnings: number;
  findings: Finding[];
}

interface Tally {
  labelled: number;
  found: number;
  named: number;
  controls: number;
  controlsWithError: number;
  controlWarnings: number;
  controlErrors: number;
}

export interface HalfSummary extends Tally {
  byCategory: Record<string, Tally>;
  byArea: Record<string, Tally>;
}

export function readLabels(half: Half, dir = EVAL_DIR): HoldoutLabel[] {
  const file = join(dir, 'labels', `${half}.jsonl`);
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as HoldoutLabel);
}

export function haveHoldout(dir = EVAL_DIR): boolean {
  return existsSync(join(dir, 'labels', 'develop.jsonl')) && existsSync(join(CORPUS_DIR, 'archive.mbox.gz'));
}

const MESSAGE_ID = /^message-id:[ \t]*(?:\r?\n[ \t]+)?<([^>\s]+)>/im;

/** Raw mails by Message-ID, read from the corpus mboxes that the labels name. */
export async function loadMails(labels: HoldoutLabel[], corpus = CORPUS_DIR): Promise<Map<string, Buffer>> {
  const wanted = new Map<string, Set<string>>();
  for (const l of labels) (wanted.get(l.source) ?? wanted.set(l.source, new Set()).get(l.source)!).add(l.message_id);
  const out = new Map<string, Buffer>();
  for (const [source, ids] of wanted) {
    const path = join(corpus, source);
    for await (const raw of splitMbox(await openMaybeGzip(path), path)) {
      const headEnd = raw.indexOf('\n\n');
      const m = MESSAGE_ID.exec(raw.subarray(0, headEnd < 0 ? raw.length : headEnd).toString('latin1'));
      if (m && ids.has(m[1]!) && !out.has(m[1]!)) out.set(m[1]!, raw);
    }
  }
  return out;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]{2,}/g;
const identifiers = (s: string) => new Set((s.match(IDENT) ?? []).map((x) => x.toLowerCase()));

/** The part of a finding that speaks of this patch: its symbols, its first sentence and what follows "Here:". */
function specificText(f: Finding): string {
  const here = f.message.indexOf(' Here: ');
  const first = f.message.split(/(?<=\.)\s/)[0] ?? '';
  return [...f.symbols, first, here >= 0 ? f.message.slice(here) : ''].join(' ');
}

export function judge(label: HoldoutLabel, findings: Finding[]): HoldoutResult {
  const serious = findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning);
  const ofCategory = serious.filter((f) => f.category === label.category);
  const wanted = new Set((label.symbols ?? []).flatMap((s) => [...identifiers(s)]));
  const namesConcern = ofCategory.some((f) => [...identifiers(specificText(f))].some((x) => wanted.has(x)));
  return {
    label,
    found: label.kind === 'labeled' && ofCategory.length > 0,
    namesConcern: label.kind === 'labeled' && namesConcern,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    findings,
  };
}

const emptyTally = (): Tally => ({ labelled: 0, found: 0, named: 0, controls: 0, controlsWithError: 0, controlWarnings: 0, controlErrors: 0 });

function add(t: Tally, r: HoldoutResult): void {
  if (r.label.kind === 'labeled') {
    t.labelled++;
    if (r.found) t.found++;
    if (r.namesConcern) t.named++;
  } else {
    t.controls++;
    if (r.errors > 0) t.controlsWithError++;
    t.controlWarnings += r.warnings;
    t.controlErrors += r.errors;
  }
}

/** Which part of the develop half a thread falls in: a keyed hash, fixed like the halves' own. */
export function developPart(threadRoot: string): 'design' | 'check' {
  return createHash('sha256').update(`dev-ab:${threadRoot}`).digest()[0]! % 2 === 0 ? 'design' : 'check';
}

export interface MissBreakdown {
  misses: number;
  warnedInAnotherCategory: number;
  notesOnly: number;
  nothing: number;
}

/** What the review said on the positives it missed: a wrong category, notes alone, or nothing. */
export function missBreakdown(results: HoldoutResult[]): MissBreakdown {
  const out: MissBreakdown = { misses: 0, warnedInAnotherCategory: 0, notesOnly: 0, nothing: 0 };
  for (const r of results) {
    if (r.label.kind !== 'labeled' || r.found) continue;
    out.misses++;
    if (r.findings.length === 0) out.nothing++;
    else if (r.findings.every((f) => f.severity === 'note')) out.notesOnly++;
    else out.warnedInAnotherCategory++;
  }
  return out;
}

export function summarise(results: HoldoutResult[]): HalfSummary {
  const s: HalfSummary = { ...emptyTally(), byCategory: {}, byArea: {} };
  for (const r of results) {
    add(s, r);
    if (r.label.kind === 'labeled') add((s.byCategory[r.label.category!] ??= emptyTally()), r);
    add((s.byArea[r.label.area] ??= emptyTally()), r);
  }
  return s;
}

export async function evaluateHoldout(halves: readonly Half[] = HALVES, treeDir?: string): Promise<Record<Half, { summary: HalfSummary; results: HoldoutResult[] }>> {
  // --tree DIR: review in tree mode against one tree (the hook's way of running). The tree is not each
  // patch's base, so only files the patch still applies to get whole-file context.
  const engine = await openReview(treeDir ? { tree: { tree: treeDir, auto: false, cwd: process.cwd() } } : {});
  const labels = halves.flatMap((h) => readLabels(h));
  const mails = await loadMails(labels);
  const out = {} as Record<Half, { summary: HalfSummary; results: HoldoutResult[] }>;
  for (const half of halves) {
    const results: HoldoutResult[] = [];
    for (const l of labels.filter((x) => x.half === half)) {
      const raw = mails.get(l.message_id);
      if (!raw) throw new Error(`eval: ${l.id} <${l.message_id}> not found in ${l.source}`);
      const r = extractPatch(parseMail(raw), `${l.source}#${l.id}`);
      results.push(judge(l, 'patch' in r ? engine.reviewOne(r.patch).findings : []));
    }
    out[half] = { summary: summarise(results), results };
  }
  return out;
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(0)}%` : '-');
const ratio = (n: number, d: number) => (d ? (n / d).toFixed(2) : '-');

export function formatSummary(half: Half, s: HalfSummary): string[] {
  const lines = [
    `${half} half: ${s.labelled} positives, ${s.controls} controls`,
    `  recall (warning/error of the labelled category)  ${s.found}/${s.labelled} = ${ratio(s.found, s.labelled)}   (target >= 0.85)`,
    `  hits that name the concern                        ${s.named}/${s.found} = ${pct(s.named, s.found)}   (target >= 80%)`,
    `  controls with an error                            ${s.controlsWithError}/${s.controls} = ${ratio(s.controlsWithError, s.controls)}   (target <= 0.05)`,
    `  warnings per control                              ${ratio(s.controlWarnings, s.controls)}   (target <= 0.5; errors per control ${ratio(s.controlErrors, s.controls)})`,
    '  per category                                     found/labelled',
  ];
  for (const [c, t] of Object.entries(s.byCategory).sort()) lines.push(`    ${c.padEnd(44)} ${String(t.found).padStart(3)}/${String(t.labelled).padEnd(3)} ${ratio(t.found, t.labelled)}`);
  lines.push('  per area                                         found/labelled   controls: with error, warnings per control');
  for (const [a, t] of Object.entries(s.byArea).sort()) {
    lines.push(`    ${a.padEnd(44)} ${String(t.found).padStart(3)}/${String(t.labelled).padEnd(3)}        ${String(t.controlsWithError).padStart(2)}/${String(t.controls).padEnd(3)} ${ratio(t.controlWarnings, t.controls)}`);
  }
  return lines;
}

function formatMisses(m: MissBreakdown): string {
  return `  misses ${m.misses}: a warning of another category ${m.warnedInAnotherCategory}, notes only ${m.notesOnly}, no finding ${m.nothing}`;
}

function formatPart(part: 'design' | 'check', results: HoldoutResult[]): string {
  const s = summarise(results);
  return `  develop ${part} part: recall ${s.found}/${s.labelled} = ${ratio(s.found, s.labelled)}, named ${s.named}/${s.found}, controls with an error ${s.controlsWithError}/${s.controls}, warnings per control ${ratio(s.controlWarnings, s.controls)}`;
}

async function main() {
  if (!haveHoldout()) {
    console.log(`skipped: the held-out evaluation needs eval/labels/ and ../shared/corpus (${CORPUS_DIR})`);
    return;
  }
  const t = process.argv.indexOf('--tree');
  const treeDir = t > 0 ? process.argv[t + 1] : undefined;
  if (treeDir) console.log(`tree mode: ${treeDir} (not each patch's base; whole files only where the patch applies)`);
  const r = await evaluateHoldout(HALVES, treeDir);
  for (const half of HALVES) {
    console.log(formatSummary(half, r[half].summary).join('\n'));
    console.log(formatMisses(missBreakdown(r[half].results)));
    if (half === 'develop') for (const part of ['design', 'check'] as const) console.log(formatPart(part, r.develop.results.filter((x) => developPart(x.label.thread_root) === part)));
  }
  if (process.argv.includes('--verbose')) {
    // The develop half's design part only: the check part and the test half are seen through their totals.
    console.log('develop half, design part, per mail:');
    for (const x of r.develop.results.filter((y) => developPart(y.label.thread_root) === 'design')) {
      const l = x.label;
      const status = l.kind === 'labeled' ? (x.found ? (x.namesConcern ? 'FOUND+NAMED' : 'FOUND') : 'MISSED') : x.errors ? 'CONTROL-ERROR' : 'control';
      const got = [...new Set(x.findings.filter((f) => f.severity !== 'note').map((f) => `${f.category}:${f.severity[0]}:${f.ruleId}`))].join(' ');
      console.log(`${l.id} ${status} ${l.category ?? ''} [${(l.symbols ?? []).join(',')}] | ${got}`);
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(PACKAGE_ROOT, 'dist', 'bench', 'holdout-eval.js')) await main();
