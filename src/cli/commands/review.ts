// `patch-review [options] INPUT…` / `--git RANGE`: the review command.
import type { CommandRun, CliIO } from '../io.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, InputError } from '../../model/errors.js';
import type { PatchReport, RunSummary } from '../../model/report.js';
import { readInput, bufferChunks, type IngestItem, type InputSource, type RawMailItem } from '../../ingest/read-input.js';
import { toolInfo } from '../../io/paths.js';
import { settleSignals } from '../../io/atomic-write.js';
import { openReview, type EngineWarning } from '../../engine/index.js';
import { loadFormatter, FORMAT_NAMES, type Formatter } from '../../report/formatter.js';
import { stdoutSink, fileSink, type Sink } from '../output.js';
import { CONFIG_FILE } from '../../config/project-config.js';
import { pairFormatOutputs } from '../format-outputs.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileGlob } from '../../config/project-config.js';
import { waiverSet, parseNoteWaivers, describeWaiver, type WaiverSet } from '../../analyze/waivers.js';
import { notesInRange, patchIdOf } from '../../ingest/git-notes.js';
import { suggestCommand } from '../suggest.js';
import { progressBar, inputFileCount, type Progress } from '../progress.js';

const HELP = `usage: patch-review [options] FILE|DIR|- …
       patch-review [options] --git RANGE [--repo DIR]
       patch-review kb list|show ID|lint|coverage …
       patch-review spec index|show …
       patch-review hook install|uninstall [--repo DIR] [--fail-on LEVEL]
       patch-review consumers index --db DB DIR… | consumers SYMBOL [--db DB]

Reviews patches (format-patch files, mails, mbox/mbox.gz, unified diffs, folders, stdin)
against the knowledge base of virtualization uAPI behaviours.

options:
  --format NAME      ${FORMAT_NAMES.join('|')} (repeatable; default text)
  --output FILE      write the matching --format to FILE instead of stdout (repeatable)
  --fail-on LEVEL    error|warning|note|never: exit 1 when a finding is at or above it (default error)
  --knowledge DIR    extra knowledge directory (repeatable)
  --config FILE      settings file (default: the nearest ${CONFIG_FILE} up to the repository root)
  --inbox DB         a list index (patch-review inbox index): show prior discussions per patch
  --consumers DB     a consumers index (patch-review consumers index): real use sites per finding
  --headers DIR      uAPI headers to check new ioctl numbers against (default /usr/include/linux)
  --spec-index FILE  a saved spec index (patch-review spec index --out FILE): check new feature bits
                     and vhost-user ids against it, and print the cited sections' requirements
  --tree DIR         the kernel or QEMU tree the patches apply to: whole files, its own uAPI headers
                     or vhost-user.rst, and struct layouts compiled with gcc (default: the tree
                     the current directory is in, for --git and stdin)
  --no-tree          do not use a source tree
  --jobs N           analyse with N worker threads (large mboxes; output order is unchanged)
  --git RANGE        review a git range (A..B, or one commit) in --repo (default: current directory)
  --explain RULE     print the knowledge entry behind a rule id
  --color/--no-color force colour on or off (default: on for a terminal)
  --verbose, -v      text: every finding in full, with its whole checklist and references;
                     terse and b4: notes too
  --site-url URL     base URL of the compatibility-notes site for links (default: none; links go
                     to each rule's first citation)
  --ignore RULE[,RULE]  leave these rules' findings out (repeatable; adds to ignore: in the config)
  --version, --help
exit: 0 clean, 1 findings at or above --fail-on, 2 usage or input error
commands: review (the default), kb, spec, facts, hook, site, inbox, related, who, help
          patch-review help COMMAND shows a command's usage and examples`;

export const run: CommandRun = async (args, io) => {
  const parsed = parseCommandArgs(args, {
    format: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o', multiple: true },
    'fail-on': { type: 'string' },
    jobs: { type: 'string', short: 'j' },
    headers: { type: 'string' },
    'spec-index': { type: 'string' },
    inbox: { type: 'string' },
    tree: { type: 'string' },
    'no-tree': { type: 'boolean' },
    consumers: { type: 'string' },
    knowledge: { type: 'string', multiple: true },
    git: { type: 'string', multiple: true },
    repo: { type: 'string' },
    explain: { type: 'string' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    'site-url': { type: 'string' },
    config: { type: 'string' },
    version: { type: 'boolean' },
    ignore: { type: 'string', multiple: true },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' },
  }, 'see --help');
  const o = parsed.values;
  if (o.help) {
    io.stdout(HELP + '\n');
    return 0;
  }
  if (o.version) {
    io.stdout(`patch-review ${toolInfo().version}\n`);
    return 0;
  }
  // Settings: the command line wins over .patch-review.yml, which wins over the defaults.
  const project = { dir: o.repo ?? io.cwd, ...(o.config !== undefined ? { file: o.config } : {}) };
  const onWarning = (w: EngineWarning) => io.stderr(warningText(w));
  if (o.explain) {
    const engine = await openReview({ project, knowledge: o.knowledge ?? [], onWarning });
    return explain(o.explain, engine.entries, io);
  }
  const pairs = pairFormatOutputs(parsed.tokens);
  const formats = pairs.map((p) => p.format);
  const outputs = pairs.map((p) => p.output);
  const inputs = parsed.positionals;
  const ranges = o.git ?? [];
  const engine = await openReview({
    project,
    knowledge: o.knowledge ?? [],
    ...(o['fail-on'] !== undefined ? { failOn: o['fail-on'] } : {}),
    ...(o.headers !== undefined ? { headersDir: o.headers } : {}),
    ...(o['spec-index'] !== undefined ? { specIndex: o['spec-index'] } : {}),
    ...(o.inbox !== undefined ? { inbox: o.inbox } : {}),
    ...(o.consumers !== undefined ? { consumers: o.consumers } : {}),
    // A run the hook, b4 or --git starts sits in the tree the patches apply to.
    tree: { ...(o.tree !== undefined ? { tree: o.tree } : {}), noTree: !!o['no-tree'], auto: ranges.length > 0 || inputs.includes('-') || formats.includes('b4'), cwd: o.repo ?? io.cwd },
    ...(o.jobs !== undefined ? { jobs: o.jobs } : {}),
    ...(o['site-url'] !== undefined ? { siteUrl: o['site-url'] } : {}),
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
  const repoDir = o.repo ?? io.cwd;
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
  const colorOnStdout = () => (o['no-color'] ? false : o.color ? true : io.isTTY && !io.env['NO_COLOR']);
  // No site URL set: no link to the entry pages (the default site is not published).
  const ctx = { tool: toolInfo(), siteUrl: o['site-url'] ?? config.siteUrl ?? '', rulesMeta: engine.rulesMeta, verbose: o.verbose === true };
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
    // Progress is for batches: whether stderr is a terminal is asked at the second patch.
    let progress: Progress | null | undefined;
    const tick = (n: number, source: string) => {
      if (progress === undefined && n >= 2) progress = io.stderrIsTTY ? progressBar(io, inputFileCount(inputs, ranges)) : null;
      progress?.patch(source);
    };
    const onReport = (r: PatchReport) => {
      if (engine.verdict(r.findings).fails) failed = true;
      for (const w of writers) w.sink.write(w.fmt.patch(r));
      tick(++reviewed, r.patch.source);
    };
    // With --jobs, mails are parsed by the workers: the main thread only splits the input.
    const summary = await engine.review(allItems(inputs, ranges, o.repo ?? io.cwd, io, engine.jobs > 1), onReport);
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
    if (outputs.every((x) => x !== undefined) || progress) io.stderr(`${summaryLine(summary)}${outputs.some((x) => x !== undefined) ? ` (written to ${outputs.filter((x) => x !== undefined).join(', ')})` : ''}\n`);
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

async function* allItems(inputs: string[], ranges: string[], repo: string, io: CliIO, rawMail: boolean): AsyncGenerator<IngestItem | RawMailItem> {
  const read = (src: InputSource) => (rawMail ? readInput(src, { rawMail: true }) : readInput(src));
  for (const name of inputs) yield* read({ name, readStdin: io.readStdin });
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
