// The review engine: the one front door every command goes through (the review command, the
// send-email hook, the site's example reviews, the worker threads, the bench). It owns loading
// and compiling the knowledge, the project configuration and pass/fail policy (ignores, fail
// level, waivers), the diff context (headers, spec index), one thread or worker threads, series
// tracking and the run summary; callers bring inputs and print reports.
//
// Start-up discipline: a one-patch review loads only this module's static imports. Anything
// optional (worker threads, the spec index, the list index) is imported when asked for; a test
// over the compiled import graph checks it (test/engine/imports.test.ts).
import { existsSync } from 'node:fs';
import type { Entry } from '../knowledge/entry.js';
import type { Problem } from '../knowledge/compile.js';
import { loadKnowledge } from '../knowledge/load.js';
import { compileRules, type RuleSet } from '../analyze/rules.js';
import { applyWaivers, matchFacts, sortFindings } from '../analyze/match.js';
import { mergeSeries, seriesFacts, seriesVerdictPoint, type SeriesSummary } from '../analyze/series.js';
import type { DiffContext } from '../diff/facts.js';
import type { IngestItem, RawMailItem } from '../ingest/read-input.js';
import type { Finding } from '../model/finding.js';
import type { Patch } from '../model/patch.js';
import { addToSummary, emptySummary, type PatchReport, type RulesMeta, type RunSummary } from '../model/report.js';
import { InputError, UsageError } from '../model/errors.js';
import { DEFAULT_SITE_URL } from '../io/paths.js';
import { EMPTY_CONFIG, loadProjectConfig, type Config } from '../config/project-config.js';
import { compileIgnores, failsAt, parseFailOn, unknownIgnoredRules, type FailOn } from '../config/policy.js';
import { SeriesTracker, type SeriesPlace } from './series-tracker.js';
import { analyzePatch, analyzeUnit, type AnalyzedPatch, type UnitRequest, type UnitResult } from './unit.js';
import type { PriorDiscussion } from './prior.js';
import type { TreeChoice } from './tree.js';

export interface ReviewOptions {
  /**
   * The project configuration: `.patch-review.yml` found from `dir` up to the repository root
   * (or `file`), a configuration already read (the hook merges git config into it), or null
   * for none. Default: none.
   */
  project?: { dir: string; file?: string } | Config | null;
  /** Extra knowledge directories, after the configuration's. */
  knowledge?: string[];
  /** Knowledge already loaded (the site shows the entries it reviews with); replaces loading. */
  entries?: Entry[];
  /** Fail level as given (--fail-on); default: the configuration's, then error. */
  failOn?: string;
  /** uAPI headers for the ioctl catalogue (--headers); must exist. */
  headersDir?: string;
  /** A saved spec index (--spec-index): spec checks, and each cited section's requirements. */
  specIndex?: string;
  /** A list index (--inbox): a prior-discussion section per patch; default: the configuration's. */
  inbox?: string;
  /** Worker threads (--jobs), 1 to 64; default 1. */
  jobs?: string | number;
  /** The report's readers need no hunks, patch text or facts (Formatter.lean); also settable on the engine. */
  lean?: boolean;
  siteUrl?: string;
  /** A diff context already resolved (worker threads get their main thread's). */
  context?: DiffContext;
  /** The source tree to review in (--tree, --no-tree, or found from the working directory). */
  tree?: TreeChoice;
  /** A consumers index (--consumers): each finding's real use sites; default: the configuration's. */
  consumers?: string;
  onWarning?: (w: EngineWarning) => void;
}

export interface LocalPolicy {
  ignoreRules?: string[];
  waive?: (findings: Finding[], patch: Patch) => Finding[];
}

export type EngineWarning =
  | { kind: 'knowledge-problems'; problems: Problem[] }
  | { kind: 'unknown-ignored-rules'; origin: string; rules: string[] };

export interface Verdict {
  fails: boolean;
  /** The unacknowledged findings at or above the fail level. */
  blocking: Finding[];
}

export interface ReviewEngine {
  readonly config: Config;
  readonly entries: Entry[];
  readonly rulesMeta: RulesMeta;
  readonly failOn: FailOn;
  readonly siteUrl: string;
  /** Worker threads review() uses; with more than one, items may be raw mails (readInput's rawMail). */
  readonly jobs: number;
  /** Reports need no hunks, patch text or facts (every formatter is lean); ignored with an inbox. */
  lean: boolean;
  /** Reviews items in input order, series by series; `onReport` is called per patch so output can stream. */
  review(items: AsyncIterable<IngestItem | RawMailItem>, onReport: (r: PatchReport) => void | Promise<void>): Promise<RunSummary>;
  /**
   * Reviews one patch. With `series` (a summary kept by the caller, e.g. between hook runs) the
   * patch is folded into it and the series is judged when this is its last patch.
   */
  reviewOne(patch: Patch, series?: SeriesSummary): PatchReport;
  verdict(findings: Finding[], failOn?: FailOn): Verdict;
  /**
   * What the command line adds to the project's policy once the rules are known: rules left
   * out (--ignore) and local waivers (.patch-review.yml waivers, git notes), applied after the
   * configuration's ignores and before the summary counts.
   */
  setLocalPolicy(p: LocalPolicy): void;
  /** One unit of work of a worker thread. */
  analyze(req: UnitRequest): UnitResult;
  close(): void;
}

function isConfig(p: ReviewOptions['project']): p is Config {
  return !!p && 'origin' in p;
}

export async function openReview(options: ReviewOptions = {}): Promise<ReviewEngine> {
  const p = options.project;
  const config = p == null ? EMPTY_CONFIG : isConfig(p) ? p : await loadProjectConfig(p.dir, p.file);
  const knowledgeDirs = [...config.knowledge, ...(options.knowledge ?? [])];
  let entries = options.entries;
  if (!entries) {
    const kb = await loadKnowledge(knowledgeDirs);
    if (kb.problems.length > 0) options.onWarning?.({ kind: 'knowledge-problems', problems: kb.problems });
    entries = kb.entries;
  }
  const failOn = options.failOn !== undefined ? parseFailOn(options.failOn) : (config.failOn ?? 'error');
  if (options.headersDir !== undefined && !existsSync(options.headersDir)) throw new InputError(options.headersDir, 'header directory does not exist');
  // Loaded only when asked for: nothing spec-related is on the default review path.
  const specIndex = options.specIndex !== undefined ? (await import('../spec/spec-index.js')).loadSpecIndex(options.specIndex) : null;
  let specStatements: ((findings: Finding[]) => Finding[]) | null = null;
  if (specIndex?.virtio) {
    const { specStatementLookup, attachSpecStatements } = await import('../analyze/spec-statements.js');
    const lookup = specStatementLookup(specIndex.virtio);
    specStatements = (findings) => attachSpecStatements(findings, lookup);
  }
  const jobs = options.jobs === undefined ? 1 : Number(options.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`--jobs must be a whole number from 1 to 64 (got "${options.jobs}")`);
  const unknownRules = unknownIgnoredRules(config.ignore, new Set(entries.map((e) => e.id)));
  if (unknownRules.length > 0) options.onWarning?.({ kind: 'unknown-ignored-rules', origin: config.origin, rules: unknownRules });
  const keep = compileIgnores(config.ignore);

  const ctx: DiffContext = options.context ?? {};
  if (!options.context) {
    if (options.headersDir) ctx.headersDir = options.headersDir;
    if (specIndex) ctx.spec = { ...(specIndex.virtio ? { virtio: specIndex.virtio } : {}), ...(specIndex.vhostUser ? { vhostUser: specIndex.vhostUser } : {}) };
  }
  // What the report says it used: only when a tree was found or asked for.
  let sources: string[] | undefined;
  // Only a run that names a tree or looks for one loads the tree modules (start-up).
  if (options.tree && !options.context && !options.tree.noTree && (options.tree.tree !== undefined || options.tree.auto)) {
    const { chooseTree, applyTree } = await import('./tree.js');
    const tree = chooseTree(options.tree);
    const used = await applyTree(tree, ctx);
    if (tree || options.tree.tree !== undefined) sources = used;
  }
  const consumersPath = options.consumers ?? config.consumers;
  const users = consumersPath ? await (await import('../consumers/review.js')).consumerUsesFor(consumersPath, ctx) : null;
  const rules: RuleSet = compileRules(entries);
  const inboxPath = options.inbox ?? config.inbox;
  // Opened on the first review: a bad index is reported after the command's own checks.
  let prior: PriorDiscussion | null = null;
  const openPrior = async () => {
    if (inboxPath && !prior) prior = await (await import('./prior.js')).openPriorDiscussion(inboxPath);
    return prior;
  };
  let lean = options.lean ?? false;
  let local: { ignored: Set<string>; waive: LocalPolicy['waive'] } = { ignored: new Set(), waive: undefined };
  const leanRun = () => lean && !inboxPath && !users;

  /** Series judgement, waivers and the policy: the report a caller sees. */
  const finish = (a: AnalyzedPatch, place: SeriesPlace | null): PatchReport => {
    let findings = a.findings;
    if (place?.judge) findings = findings.concat(matchFacts(seriesFacts(place.series), rules));
    const r: PatchReport = { patch: a.patch, files: a.files, findings: sortFindings(applyWaivers(findings, a.patch.trailers)) };
    if (place) r.series = place.info;
    if (a.tree) r.tree = a.tree;
    if (a.facts && !leanRun()) r.facts = a.facts;
    if (keep) r.findings = r.findings.filter(keep);
    if (local.ignored.size > 0) r.findings = r.findings.filter((f) => !local.ignored.has(f.ruleId));
    if (local.waive) r.findings = local.waive(r.findings, r.patch);
    if (specStatements) r.findings = specStatements(r.findings);
    if (prior) r.prior = prior.of(r);
    if (users) r.findings = users.apply(r);
    return r;
  };

  return {
    config,
    entries,
    rulesMeta: rules.meta,
    failOn,
    siteUrl: options.siteUrl ?? config.siteUrl ?? DEFAULT_SITE_URL,
    jobs,
    get lean() {
      return lean;
    },
    set lean(value: boolean) {
      lean = value;
    },

    async review(items, onReport) {
      await openPrior();
      const summary = emptySummary();
      if (sources) summary.sources = sources;
      const tracker = new SeriesTracker();
      const skipped = (item: Extract<IngestItem, { kind: 'skipped' }>) => {
        summary.skipped[item.reason]++;
        tracker.skipped(item);
      };
      const analyzed = async (a: AnalyzedPatch) => {
        const report = finish(a, tracker.add(a.patch, a.delta));
        addToSummary(summary, report);
        await onReport(report);
      };
      if (jobs > 1) {
        const { analyzeInParallel } = await import('./parallel.js');
        await analyzeInParallel(items, jobs, { knowledgeDirs, ctx, lean: leanRun() }, skipped, analyzed, (req) => analyzeUnit(req, rules, ctx, leanRun()));
        return summary;
      }
      for await (const item of items) {
        if (item.kind === 'skipped') skipped(item);
        else if (item.kind === 'patch') await analyzed(analyzePatch(item.patch, rules, ctx, false));
        else throw new Error('raw mails are for worker threads: read the input without rawMail when jobs is 1');
      }
      return summary;
    },

    reviewOne(patch, series) {
      const a = analyzePatch(patch, rules, ctx, false);
      let place: SeriesPlace | null = null;
      if (series) {
        mergeSeries(series, a.delta);
        const { version, index, total } = patch.prefix;
        place = { series, judge: seriesVerdictPoint(patch, series).judge, info: { key: series.key, version, index, total, coverLetter: null } };
      }
      const r = finish(a, place);
      // The caller keeps the series; the report of a lone patch has no series section.
      delete r.series;
      return r;
    },

    setLocalPolicy(p) {
      local = { ignored: new Set(p.ignoreRules ?? []), waive: p.waive };
    },

    verdict(findings, level = failOn) {
      const blocking = findings.filter((f) => failsAt([f], level));
      return { fails: blocking.length > 0, blocking };
    },

    analyze(req) {
      return analyzeUnit(req, rules, ctx, leanRun());
    },

    close() {
      (prior as PriorDiscussion | null)?.close();
      prior = null;
      users?.close();
    },
  };
}
