// One sendemail-validate run: review the outgoing file, keep series state between files, and
// decide whether the send may go on. A non-zero exit stops the whole send, so a refusal always
// says why and how to override it; a failure of patch-review itself follows the on-error policy.
import { basename, resolve } from 'node:path';
import type { PatchReport } from '../model/report.js';
import { readInput, type IngestItem } from '../ingest/read-input.js';
import { openReview } from '../engine/index.js';
import { terseFormatter } from '../report/terse.js';
import { safeReport, escapeControls } from '../report/escape.js';
import { patchTitle } from '../report/common.js';
import { loadProjectConfig, mergeConfigs, readGitConfigEntries, gitConfigToConfig, onErrorOf, compileGlob, type OnError } from '../config/project-config.js';
import type { FailOn } from '../config/policy.js';
import { gitOut } from '../io/git.js';
import type { TreeChoice } from '../engine/tree.js';
import { readFileHead } from '../ingest/mbox.js';
import { waiverSet, parseNoteWaivers, describeWaiver } from '../analyze/waivers.js';
import { noteOn, commitOfFormatPatch, patchIdOf } from '../ingest/git-notes.js';
import { clearState, readState, sendPosition, seriesSlot, seriesStep, statePath, writeState } from './state.js';

/** What a hook run needs from the outside world (the CLI passes its CliIO). */
export interface HookIO {
  stderr: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface ValidateOptions {
  /** $1: the file git send-email is about to send. */
  file: string;
  /** Levels baked into the hook script at install time. */
  failOn?: FailOn;
  onError?: OnError;
  siteUrl: string;
  tool: { name: string; version: string };
  /** What the review knows beyond the patch: the tree send-email runs in (whole files, compiled layouts). */
  tree?: TreeChoice;
}

async function gitDirOf(cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  // send-email sets GIT_DIR for the hook; otherwise ask git.
  const fromEnv = env['GIT_DIR'];
  if (fromEnv) return resolve(cwd, fromEnv);
  return (await gitOut(['rev-parse', '--absolute-git-dir'], cwd, env)).trim();
}

async function collect(items: AsyncIterable<IngestItem>): Promise<IngestItem[]> {
  const out: IngestItem[] = [];
  for await (const i of items) out.push(i);
  return out;
}

export async function validateForSend(opts: ValidateOptions, io: HookIO): Promise<number> {
  const name = basename(opts.file);
  let policy: OnError = opts.onError ?? 'open';
  let state: string | null = null;
  let slot: string | null = null;
  try {
    // git config first: it can set the policy that applies if anything after it fails.
    const entries = await readGitConfigEntries(io.cwd, io.env);
    policy = onErrorOf(entries) ?? policy;
    const gitCfg = gitConfigToConfig(entries, io.cwd);
    const yml = await loadProjectConfig(io.cwd);
    policy = gitCfg.onError ?? opts.onError ?? yml.onError ?? 'open';
    // git config wins over the install-time level so `git -c patch-review.failOn=never` always works.
    const failOn: FailOn = gitCfg.hookFailOn ?? opts.failOn ?? yml.hookFailOn ?? yml.failOn ?? 'error';
    const config = mergeConfigs(gitCfg, yml);
    state = statePath(await gitDirOf(io.cwd, io.env));

    const items = await collect(readInput({ name: opts.file }));
    const patches = items.flatMap((i) => (i.kind === 'patch' ? [i.patch] : []));
    if (patches.length === 0) return 0; // a cover letter or a reply: nothing to review

    // Local waivers: .patch-review.yml / git config, and the git note on the commit format-patch names.
    const local = waiverSet(config.waivers, compileGlob, (p) => patchIdOf(p, io.cwd));
    const commit = commitOfFormatPatch(readFileHead(opts.file, 120).toString('latin1'));
    const note = commit ? noteOn(commit, io.cwd) : null;
    const noted = waiverSet(note ? parseNoteWaivers(note, `git notes --ref=patch-review on ${commit!.slice(0, 12)}`) : [], compileGlob, () => null);
    // consumers (in .patch-review.yml or git config patch-review.consumers) give each finding the use sites it breaks.
    const engine = await openReview({
      project: config,
      ...(opts.tree ? { tree: opts.tree } : {}),
      onWarning: (w) => {
        if (w.kind === 'knowledge-problems') io.stderr(`patch-review: warning: ${w.problems.length} knowledge problem(s), e.g. ${w.problems[0]!.file}: ${w.problems[0]!.message}\n`);
      },
    });
    engine.setLocalPolicy({ waive: (findings, patch) => noted.apply(local.apply(findings, patch), patch) });
    const position = sendPosition(io.env);
    const reports: PatchReport[] = [];
    for (const patch of patches) {
      slot = seriesSlot(state, patch, Date.now());
      const step = seriesStep(patch, readState(slot), position, Date.now());
      reports.push(engine.reviewOne(patch, step.series)); // folds this patch into step.series
      if (step.after) writeState(slot, step.after);
      else clearState(slot);
    }
    engine.close();

    // One checkpatch-style line per finding: the send is interactive, the checklists are one command away.
    const terse = terseFormatter({ color: false, tool: opts.tool, siteUrl: config.siteUrl ?? opts.siteUrl, rulesMeta: engine.rulesMeta });
    const withFindings = reports.filter((r) => r.findings.length > 0);
    for (const raw of withFindings) {
      const r = safeReport(raw, true);
      const breaks = new Set(r.findings.flatMap((f) => (f.consumerUses ?? []).filter((u) => u.verdict === 'breaks').map((u) => `breaks ${u.project} ${u.file}:${u.line}: ${u.why}\n`)));
      const lines = (terse.patch(r) + [...breaks].join('')).replace(/^/gm, '  ').trimEnd();
      const acknowledged = r.findings.filter((f) => f.acknowledged).length;
      const notes = r.findings.filter((f) => !f.acknowledged && f.severity === 'note').length;
      const leftOut = [acknowledged && `${acknowledged} acknowledged`, notes && `${notes} note${notes === 1 ? '' : 's'}`].filter(Boolean).join(', ');
      io.stderr(`patch-review: ${patchTitle(r.patch)}\n${lines ? `${lines}\n` : ''}${leftOut ? `  not shown: ${leftOut}\n` : ''}  checklists and references: patch-review ${opts.file}\n`);
    }
    // The yml waivers cover a whole series, so only the note's are judged per file.
    for (const w of noted.unused()) io.stderr(`patch-review: warning: ${w.origin}: the waiver for ${describeWaiver(w)} waived nothing\n`);
    const { blocking } = engine.verdict(reports.flatMap((r) => r.findings), failOn);
    if (blocking.length === 0) {
      if (withFindings.length === 0) io.stderr(`patch-review: ${escapeControls(patchTitle(patches[0]!))}: no findings\n`);
      return 0;
    }
    if (slot) clearState(slot); // the send stops here; the next attempt starts the series again
    io.stderr(refusal(name, blocking.length, failOn, [...new Set(blocking.map((f) => f.ruleId))]));
    return 1;
  } catch (e) {
    if (slot) clearState(slot);
    const why = String((e as Error)?.message ?? e).split('\n')[0];
    if (policy === 'closed') {
      io.stderr(`patch-review: could not review ${name}: ${why}\npatch-review: not sending, because patch-review.onError is closed (send anyway with: git send-email --no-validate …)\n`);
      return 1;
    }
    io.stderr(`patch-review: could not review ${name}: ${why}\npatch-review: sending without a review, because patch-review.onError is open\n`);
    return 0;
  }
}

function refusal(name: string, count: number, failOn: FailOn, rules: string[]): string {
  return [
    `patch-review: stopping the send: ${name} has ${count} finding${count === 1 ? '' : 's'} at or above the hook's fail level (${failOn}): ${rules.join(', ')}.`,
    '  git send-email checks every file before it sends any, so nothing has been sent.',
    '  Read the findings above; to send anyway:',
    '    git send-email --no-validate …                 skips every validation hook for this send',
    '    git -c patch-review.failOn=never send-email …  keeps the review but never stops the send',
    `    Patch-Review-Ack: ${rules[0] ?? '<ruleId>'} <reason>    as a commit-message trailer acknowledges an intended change`,
    '',
  ].join('\n');
}
