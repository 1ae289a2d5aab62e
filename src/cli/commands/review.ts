// `patch-review [options] INPUT…` / `--git RANGE`: the review command.
import type { CommandRun, CliIO } from '../io.js';
import { UsageError, InputError } from '../../model/errors.js';
import type { PatchReport, RunSummary } from '../../model/report.js';
import { readInput, inputBytes, bufferChunks, type IngestItem, type InputSource, type RawMailItem } from '../../ingest/read-input.js';
import { toolInfo } from '../../io/paths.js';
import { settleSignals } from '../../io/atomic-write.js';
import { openReview, type EngineWarning } from '../../engine/index.js';
import { loadFormatter, FORMAT_NAMES, type Formatter } from '../../report/formatter.js';
import { stdoutSink, fileSink, type Sink } from '../output.js';
import { pairFormatOutputs } from '../format-outputs.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileGlob } from '../../config/project-config.js';
import { waiverSet, parseNoteWaivers, describeWaiver, type WaiverSet } from '../../analyze/waivers.js';
import { notesInRange, patchIdOf } from '../../ingest/git-notes.js';
import { suggestCommand } from '../suggest.js';
import { progressBar, type Progress } from '../progress.js';

/** The review's options as program.ts parses them (commander, camelCase). */
interface ReviewOptions {
  failOn?: string;
  jobs?: string;
  headers?: string;
  specIndex?: string;
  inbox?: string;
  /** A directory, or false for --no-tree. */
  tree?: string | false;
  consumers?: string;
  knowledge?: string[];
  git?: string[];
  repo?: string;
  explain?: string;
  /** --color (true), --no-color (false), or neither. */
  color?: boolean;
  siteUrl?: string;
  config?: string;
  version?: boolean;
  ignore?: string[];
  verbose?: boolean;
  progress?: boolean;
}

export const run: CommandRun = async (parsed, io) => {
  const o = parsed.opts as ReviewOptions;
  if (o.version) {
    io.stdout(`patch-review ${toolInfo().version}\n`);
    return 0;
  }
  const repoDir = o.repo ?? io.cwd;
  // Settings: the command line wins over .patch-review.yml, which wins over the defaults.
  const project = { dir: repoDir, ...(o.config !== undefined ? { file: o.config } : {}) };
  const onWarning = (w: EngineWarning) => io.stderr(warningText(w));
  if (o.explain) {
    const engine = await openReview({ project, knowledge: o.knowledge ?? [], onWarning });
    return explain(o.explain, engine.entries, io);
  }
  const pairs = pairFormatOutputs(parsed.order);
  const formats = pairs.map((p) => p.format);
  const outputs = pairs.map((p) => p.output);
  const inputs = parsed.args;
  const ranges = o.git ?? [];
  const engine = await openReview({
    project,
    knowledge: o.knowledge ?? [],
    ...(o.failOn !== undefined ? { failOn: o.failOn } : {}),
    ...(o.headers !== undefined ? { headersDir: o.headers } : {}),
    ...(o.specIndex !== undefined ? { specIndex: o.specIndex } : {}),
    ...(o.inbox !== undefined ? { inbox: o.inbox } : {}),
    ...(o.consumers !== undefined ? { consumers: o.consumers } : {}),
    // A run the hook, b4 or --git starts sits in the tree the patches apply to.
    tree: { ...(typeof o.tree === 'string' ? { tree: o.tree } : {}), noTree: o.tree === false, auto: ranges.length > 0 || inputs.includes('-') || formats.includes('b4'), cwd: repoDir },
    ...(o.jobs !== undefined ? { jobs: o.jobs } : {}),
    ...(o.siteUrl !== undefined ? { siteUrl: o.siteUrl } : {}),
    onWarning,
  });
  if (inputs.length === 0 && ranges.length === 0) throw new UsageError('no input: give a patch file, a folder, an mbox, "-" for stdin, or --git RANGE (see --help)');
  // A mistyped command arrives here as a file name: a word that is no file gets "did you mean".
  const first = inputs[0];
  if (first !== undefined && /^[a-z][a-z-]*$/.test(first) && !existsSync(first) && !existsSync(join(io.cwd, first))) {
    const near = suggestCommand(first);
    throw new UsageError(`"${first}" is neither a command nor a file${near ? `; did you mean "patch-review ${near}"?` : ''} (patch-review help lists the commands)`);
  }
  const knownRules = new Set(engine.entries.map((e) => e.id));
  const ignoredOnCommandLine = (o.ignore ?? []).flatMap((v) => v.split(',')).map((r) => r.trim()).filter((r) => r !== '');
  const unknownOnCommandLine = ignoredOnCommandLine.filter((r) => !knownRules.has(r));
  if (unknownOnCommandLine.length > 0) throw new UsageError(`--ignore: no rule ${unknownOnCommandLine.map((r) => `"${r}"`).join(', ')} in the knowledge base (patch-review kb list shows them)`);
  // Local waivers: .patch-review.yml, and git notes on the commits of --git ranges (by subject).
  const config = engine.config;
  const unknownWaived = [...new Set(config.waivers.map((w) => w.rule).filter((r) => !knownRules.has(r)))];
  if (unknownWaived.length > 0) io.stderr(`patch-review: warning: ${config.origin}: waivers name rules the knowledge base does not have: ${unknownWaived.join(', ')}\n`);
  const local = config.waivers.length > 0 ? waiverSet(config.waivers, compileGlob, (p) => patchIdOf(p, repoDir)) : null;
  const noted = new Map<string, WaiverSet>();
  for (const range of ranges) {
    for (const [subject, n] of notesInRange(range, repoDir)) noted.set(subject, waiverSet(parseNoteWaivers(n.note, `git notes --ref=patch-review on ${n.commit.slice(0, 12)}`), compileGlob, () => null));
  }
  engine.setLocalPolicy({
    ignoreRules: ignoredOnCommandLine,
    waive: (findings, patch) => {
      let out = local ? local.apply(findings, patch) : findings;
      const notes = noted.get(patch.subject);
      if (notes) out = notes.apply(out, patch);
      return out;
    },
  });
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError('"-" (stdin) may be given only once');

  const unknown = formats.find((f) => !FORMAT_NAMES.includes(f));
  if (unknown) throw new UsageError(`unknown format "${unknown}" (known: ${FORMAT_NAMES.join(', ')})`);
  if (outputs.filter((p) => p === undefined).length > 1) throw new UsageError('only one format can go to stdout: give --output FILE after each of the others');

  // Only text on stdout is coloured: asking whether stdout is a terminal can load Node's tty module.
  const colorOnStdout = () => o.color ?? (io.isTTY && !io.env['NO_COLOR']);
  // No site URL set: no link to the entry pages (the default site is not published).
  const ctx = { tool: toolInfo(), siteUrl: o.siteUrl ?? config.siteUrl ?? '', rulesMeta: engine.rulesMeta, verbose: o.verbose === true };
  const writers: { fmt: Formatter; sink: Sink }[] = [];
  try {
    for (let i = 0; i < formats.length; i++) {
      const factory = (await loadFormatter(formats[i]!))!;
      const path = outputs[i];
      const color = !path && formats[i] === 'text' && colorOnStdout();
      // Text is wrapped to the terminal's width, or to 100 columns when it is not a terminal.
      const width = !path && formats[i] === 'text' && io.isTTY ? io.columns : undefined;
      writers.push({ fmt: factory({ ...ctx, color, ...(width ? { width } : {}) }), sink: path ? openFileSink(path) : stdoutSink(io) });
    }
    engine.lean = writers.every((w) => w.fmt.lean === true);
    let failed = false;
    let reviewed = 0;
    for (const w of writers) w.sink.write(w.fmt.begin());
    // Progress is for batches, on stderr when it is a terminal (asked at the second patch) or
    // with --progress: over the input's bytes when its size is known (not for stdin or --git).
    let progress: Progress | null | undefined;
    let bytesRead = 0;
    const tick = (n: number) => {
      if (progress === undefined && n >= 2) {
        const show = o.progress ?? io.stderrIsTTY;
        progress = show ? progressBar(io, ranges.length > 0 ? null : inputBytes(inputs), () => bytesRead) : null;
      }
      progress?.patch();
    };
    const onReport = (r: PatchReport) => {
      if (engine.verdict(r.findings).fails) failed = true;
      for (const w of writers) w.sink.write(w.fmt.patch(r));
      tick(++reviewed);
    };
    // With --jobs, mails are parsed by the workers: the main thread only splits the input.
    const started = Date.now();
    const summary = await engine.review(allItems(inputs, ranges, repoDir, io, engine.jobs > 1, (n) => (bytesRead += n)), onReport);
    progress?.stop();
    // b4 hands its series check the cover letter alone: for the b4 format that is "nothing to report".
    const b4Cover = formats.every((f) => f === 'b4') && summary.skipped['cover-letter'] > 0;
    if (summary.patches === 0 && !b4Cover) {
      const s = summary.skipped;
      const what = [...inputs.map((i) => (i === '-' ? '<stdin>' : i)), ...ranges.map((r) => `--git ${r}`)].join(', ');
      const seen = s.reply + s['cover-letter'] + s['no-diff'];
      throw new InputError(what, seen > 0 ? `no patch found (${seen} mail${seen === 1 ? '' : 's'}: ${s.reply} replies, ${s['cover-letter']} cover letters, ${s['no-diff']} without a diff)` : 'no patch found');
    }
    // A SIGINT/SIGTERM that came during the analysis of the last patch ends the run here,
    // removing the temporary files, rather than after the reports are in place.
    await settleSignals();
    for (const w of writers) {
      w.sink.write(w.fmt.end(summary));
      w.sink.commit();
    }
    // A run whose reports all went to files, or that showed progress, ends with a summary line.
    if (outputs.every((x) => x !== undefined) || progress) {
      const took = progress ? ` in ${((Date.now() - started) / 1000).toFixed(1)} s` : '';
      const written = outputs.some((x) => x !== undefined) ? ` (written to ${outputs.filter((x) => x !== undefined).join(', ')})` : '';
      io.stderr(`${summaryLine(summary)}${took}${written}\n`);
    }
    // A waiver that waived nothing is stale (the code or the rule moved on): say so.
    for (const w of [...(local?.unused() ?? []), ...[...noted.values()].flatMap((n) => n.unused())]) {
      io.stderr(`patch-review: warning: ${w.origin}: the waiver for ${describeWaiver(w)} waived nothing in this run\n`);
    }
    return failed ? 1 : 0;
  } catch (e) {
    for (const w of writers) w.sink.abort();
    throw e;
  } finally {
    engine.close();
  }
};

function warningText(w: EngineWarning): string {
  if (w.kind === 'knowledge-problems') {
    const files = new Set(w.problems.map((p) => p.file));
    return `patch-review: warning: ${files.size} knowledge entr${files.size === 1 ? 'y has' : 'ies have'} problems, e.g. ${w.problems[0]!.file}: ${w.problems[0]!.message} (run: patch-review kb lint)\n`;
  }
  return `patch-review: warning: ${w.origin}: ignore names rules the knowledge base does not have: ${w.rules.join(', ')}\n`;
}

/** "patch-review: 12 patches: 1 error, 3 warnings, 2 notes, 1 acknowledged". */
function summaryLine(s: RunSummary): string {
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  const parts = [n(s.findings.error, 'error'), n(s.findings.warning, 'warning'), n(s.findings.note, 'note')];
  if (s.acknowledged) parts.push(`${s.acknowledged} acknowledged`);
  return `patch-review: ${n(s.patches, 'patch').replace(/patchs$/, 'patches')}: ${parts.join(', ')}`;
}

function openFileSink(path: string): Sink {
  try {
    return fileSink(path);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(path, `cannot write output (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

async function* allItems(inputs: string[], ranges: string[], repo: string, io: CliIO, rawMail: boolean, onRead: (bytes: number) => void): AsyncGenerator<IngestItem | RawMailItem> {
  const read = (src: InputSource) => (rawMail ? readInput(src, { rawMail: true }) : readInput(src));
  for (const name of inputs) yield* read({ name, readStdin: io.readStdin, onRead });
  if (ranges.length > 0) {
    const { formatPatchRange } = await import('../../ingest/git-range.js');
    for (const range of ranges) {
      const mbox = await formatPatchRange(range, repo);
      yield* read({ name: '-', label: `git:${range}`, readStdin: () => bufferChunks(mbox) });
    }
  }
}

async function explain(rule: string, entries: { id: string }[], io: CliIO): Promise<number> {
  const entry = entries.find((e) => e.id === rule);
  if (!entry) throw new UsageError(`no rule "${rule}" in the knowledge base (patch-review kb list shows them)`);
  const { renderEntryText } = await import('../../knowledge/render.js');
  io.stdout(renderEntryText(entry as never));
  return 0;
}
