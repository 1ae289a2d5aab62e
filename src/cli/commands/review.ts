// `patch-review [options] INPUT…` / `--git RANGE`: the review command.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandRun, CliIO } from '../io.js';
import { parseCommandArgs } from '../args.js';
import { UsageError, InputError } from '../../model/errors.js';
import { emptySummary, addToSummary, type PatchReport, type RunSummary } from '../../model/report.js';
import { readInput, type IngestItem, type InputSource, type RawMailItem } from '../../ingest/read-input.js';
import { loadKnowledge, PACKAGE_ROOT } from '../../knowledge/load.js';
import { compileRules } from '../../analyze/rules.js';
import { reviewStream } from '../../analyze/review.js';
import type { DiffContext } from '../../diff/facts.js';
import { applyTree, chooseTree } from '../tree-option.js';
import type { Finding } from '../../model/finding.js';
import type { VirtioSpecIndex } from '../../spec/types.js';
import { parseSubject } from '../../ingest/subject.js';
import { loadFormatter, FORMAT_NAMES, type Formatter } from '../../report/formatter.js';
import { stdoutSink, fileSink, type Sink } from '../output.js';
import { loadProjectConfig, parseFailOn, failsAt, compileIgnores, compileGlob, unknownIgnoredRules, CONFIG_FILE } from '../config.js';
import { waiverSet, parseNoteWaivers, describeWaiver, type WaiverSet } from '../../analyze/waivers.js';
import { notesInRange, patchIdOf } from '../../ingest/git-notes.js';
import { suggestCommand } from '../suggest.js';
import { progressBar, inputFileCount, type Progress } from '../progress.js';

export const DEFAULT_SITE_URL = 'https://patch-review.github.io/patch-review';

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

export function toolInfo(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return { name: 'patch-review', version: pkg.version };
}

export const run: CommandRun = async (args, io) => {
  const parsed = parseCommandArgs(args, {
    format: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o', multiple: true },
    'fail-on': { type: 'string' },
    jobs: { type: 'string', short: 'j' },
    headers: { type: 'string' },
    'spec-index': { type: 'string' },
    tree: { type: 'string' },
    'no-tree': { type: 'boolean' },
    inbox: { type: 'string' },
    consumers: { type: 'string' },
    knowledge: { type: 'string', multiple: true },
    git: { type: 'string', multiple: true },
    repo: { type: 'string' },
    explain: { type: 'string' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    'site-url': { type: 'string' },
    ignore: { type: 'string', multiple: true },
    verbose: { type: 'boolean', short: 'v' },
    config: { type: 'string' },
    version: { type: 'boolean' },
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
  const config = await loadProjectConfig(o.repo ?? io.cwd, o.config);
  const knowledgeDirs = [...config.knowledge, ...(o.knowledge ?? [])];
  const kb = await loadKnowledge(knowledgeDirs);
  if (kb.problems.length > 0) {
    const files = new Set(kb.problems.map((p) => p.file));
    io.stderr(`patch-review: warning: ${files.size} knowledge entr${files.size === 1 ? 'y has' : 'ies have'} problems, e.g. ${kb.problems[0]!.file}: ${kb.problems[0]!.message} (run: patch-review kb lint)\n`);
  }
  if (o.explain) return explain(o.explain, kb.entries, io);

  const failOn = o['fail-on'] !== undefined ? parseFailOn(o['fail-on']) : (config.failOn ?? 'error');
  if (o.headers !== undefined && !existsSync(o.headers)) throw new InputError(o.headers, 'header directory does not exist');
  // Loaded only when asked for: nothing spec-related is on the default review path.
  const specIndex = o['spec-index'] !== undefined ? (await import('../../spec/spec-index.js')).loadSpecIndex(o['spec-index']) : null;
  const specStatements = specIndex?.virtio ? await specStatementsFor(specIndex.virtio) : null;
  const jobs = o.jobs === undefined ? 1 : Number(o.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new UsageError(`--jobs must be a whole number from 1 to 64 (got "${o.jobs}")`);
  const knownRules = new Set(kb.entries.map((e) => e.id));
  const unknownRules = unknownIgnoredRules(config.ignore, knownRules);
  if (unknownRules.length > 0) io.stderr(`patch-review: warning: ${config.origin}: ignore names rules the knowledge base does not have: ${unknownRules.join(', ')}\n`);
  const ignoredOnCommandLine = (o.ignore ?? []).flatMap((v) => v.split(',')).map((r) => r.trim()).filter((r) => r !== '');
  const unknownOnCommandLine = ignoredOnCommandLine.filter((r) => !knownRules.has(r));
  if (unknownOnCommandLine.length > 0) throw new UsageError(`--ignore: no rule ${unknownOnCommandLine.map((r) => `"${r}"`).join(', ')} in the knowledge base (patch-review kb list shows them)`);
  const keep = compileIgnores(ignoredOnCommandLine.length > 0 ? [...config.ignore, { rules: ignoredOnCommandLine }] : config.ignore);
  const inputs = parsed.positionals;
  const ranges = o.git ?? [];
  if (inputs.length === 0 && ranges.length === 0) throw new UsageError('no input: give a patch file, a folder, an mbox, "-" for stdin, or --git RANGE (see --help)');
  // A mistyped command arrives here as a file name: a word that is no file gets "did you mean".
  const first = inputs[0];
  if (first !== undefined && /^[a-z][a-z-]*$/.test(first) && !existsSync(first) && !existsSync(join(io.cwd, first))) {
    const near = suggestCommand(first);
    throw new UsageError(`"${first}" is neither a command nor a file${near ? `; did you mean "patch-review ${near}"?` : ''} (patch-review help lists the commands)`);
  }
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError('"-" (stdin) may be given only once');

  const formats = o.format ?? ['text'];
  const outputs = o.output ?? [];
  if (outputs.length > formats.length) throw new UsageError('more --output than --format options: pair each --output with a --format');
  const unknown = formats.find((f) => !FORMAT_NAMES.includes(f));
  if (unknown) throw new UsageError(`unknown format "${unknown}" (known: ${FORMAT_NAMES.join(', ')})`);
  if (formats.length - outputs.length > 1) throw new UsageError('only one format can go to stdout: give --output FILE for the others');

  // Only text on stdout is coloured: asking whether stdout is a terminal can load Node's tty module.
  const colorOnStdout = () => (o['no-color'] ? false : o.color ? true : io.isTTY && !io.env['NO_COLOR']);
  // No site URL set: no link to the entry pages (the default site is not published).
  const ctx = { tool: toolInfo(), siteUrl: o['site-url'] ?? config.siteUrl ?? '', verbose: o.verbose === true };
  const writers: { fmt: Formatter; sink: Sink }[] = [];
  for (let i = 0; i < formats.length; i++) {
    const factory = (await loadFormatter(formats[i]!))!;
    const path = outputs[i];
    const color = !path && formats[i] === 'text' && colorOnStdout();
    // Text is wrapped to the terminal's width, or to 100 columns when it is not a terminal.
    const width = !path && formats[i] === 'text' && io.isTTY ? io.columns : undefined;
    writers.push({ fmt: factory({ ...ctx, color, ...(width ? { width } : {}) }), sink: path ? openFileSink(path) : stdoutSink(io) });
  }
  const rules = compileRules(kb.entries);
  // Local waivers: .patch-review.yml, and git notes on the commits of --git ranges (by subject).
  const repoDir = o.repo ?? io.cwd;
  const unknownWaived = [...new Set(config.waivers.map((w) => w.rule).filter((r) => !knownRules.has(r)))];
  if (unknownWaived.length > 0) io.stderr(`patch-review: warning: ${config.origin}: waivers name rules the knowledge base does not have: ${unknownWaived.join(', ')}\n`);
  const local = config.waivers.length > 0 ? waiverSet(config.waivers, compileGlob, (p) => patchIdOf(p, repoDir)) : null;
  const noted = new Map<string, WaiverSet>();
  for (const range of ranges) {
    for (const [subject, n] of notesInRange(range, repoDir)) noted.set(subject, waiverSet(parseNoteWaivers(n.note, `git notes --ref=patch-review on ${n.commit.slice(0, 12)}`), compileGlob, () => null));
  }
  const closers: (() => void)[] = [];
  let failed = false;
  // Counted here, after ignores, rather than taken from reviewStream's summary.
  const kept = emptySummary();
  try {
    for (const w of writers) w.sink.write(w.fmt.begin());
    // Progress is for batches: whether stderr is a terminal is asked at the second patch.
    let progress: Progress | null | undefined;
    const tick = (n: number, source: string) => {
      if (progress === undefined && n >= 2) progress = io.stderrIsTTY ? progressBar(io, inputFileCount(inputs, ranges)) : null;
      progress?.patch(source);
    };
    const inboxPath = o.inbox ?? config.inbox;
    const prior = inboxPath ? await priorDiscussionFor(inboxPath, o.headers ? { headersDir: o.headers } : {}) : null;
    closers.push(() => prior?.close());
    const consumersPath = o.consumers ?? config.consumers;
    const users = consumersPath ? await (await import('../../consumers/review.js')).consumerUsesFor(consumersPath, o.headers ? { headersDir: o.headers } : {}) : null;
    closers.push(() => users?.close());
    const onReport = (all: PatchReport) => {
      const r = keep ? { ...all, findings: all.findings.filter(keep) } : all;
      if (local) r.findings = local.apply(r.findings, r.patch);
      const notes = noted.get(r.patch.subject);
      if (notes) r.findings = notes.apply(r.findings, r.patch);
      if (specStatements) r.findings = specStatements(r.findings);
      if (prior) r.prior = prior.of(r);
      if (users) r.findings = users.apply(r);
      addToSummary(kept, r);
      if (failsAt(r.findings, failOn)) failed = true;
      for (const w of writers) w.sink.write(w.fmt.patch(r));
      tick(kept.patches, r.patch.source);
    };
    // With --jobs, mails are parsed by the workers: the main thread only splits the input.
    const items = allItems(inputs, ranges, o.repo ?? io.cwd, io, jobs > 1);
    const ctx: DiffContext = {};
    if (o.headers) ctx.headersDir = o.headers;
    if (specIndex) ctx.spec = { ...(specIndex.virtio ? { virtio: specIndex.virtio } : {}), ...(specIndex.vhostUser ? { vhostUser: specIndex.vhostUser } : {}) };
    // A run the hook, b4 or --git starts sits in the tree the patches apply to.
    const tree = chooseTree({ ...(o.tree !== undefined ? { tree: o.tree } : {}), noTree: !!o['no-tree'], auto: ranges.length > 0 || inputs.includes('-') || formats.includes('b4'), cwd: o.repo ?? io.cwd });
    const treeLines = await applyTree(tree, ctx);
    if (tree || o.tree !== undefined) kept.sources = treeLines;
    const streamed =
      jobs > 1
        ? await (await import('../../analyze/parallel.js')).reviewStreamParallel(items, rules, onReport, { jobs, knowledgeDirs, ctx, lean: !prior && !users && writers.every((w) => w.fmt.lean) })
        : await reviewStream(items as AsyncIterable<IngestItem>, rules, onReport, ctx);
    progress?.stop();
    const summary = { ...kept, skipped: streamed.skipped };
    // b4 hands its series check the cover letter alone: for the b4 format that is "nothing to report".
    const b4Cover = formats.every((f) => f === 'b4') && summary.skipped['cover-letter'] > 0;
    if (summary.patches === 0 && !b4Cover) {
      const s = summary.skipped;
      const what = [...inputs.map((i) => (i === '-' ? '<stdin>' : i)), ...ranges.map((r) => `--git ${r}`)].join(', ');
      const seen = s.reply + s['cover-letter'] + s['no-diff'];
      throw new InputError(what, seen > 0 ? `no patch found (${seen} mail${seen === 1 ? '' : 's'}: ${s.reply} replies, ${s['cover-letter']} cover letters, ${s['no-diff']} without a diff)` : 'no patch found');
    }
    for (const w of writers) {
      w.sink.write(w.fmt.end(summary));
      w.sink.commit();
    }
    // A run whose reports all went to files, or that showed progress, ends with a summary line.
    if (outputs.length === formats.length || progress) io.stderr(`${summaryLine(summary)}${outputs.length ? ` (written to ${outputs.join(', ')})` : ''}\n`);
    // A waiver that waived nothing is stale (the code or the rule moved on): say so.
    for (const w of [...(local?.unused() ?? []), ...[...noted.values()].flatMap((n) => n.unused())]) {
      io.stderr(`patch-review: warning: ${w.origin}: the waiver for ${describeWaiver(w)} waived nothing in this run\n`);
    }
  } catch (e) {
    for (const w of writers) w.sink.abort();
    throw e;
  } finally {
    for (const close of closers) close();
  }
  return failed ? 1 : 0;
};

/** "patch-review: 12 patches: 1 error, 3 warnings, 2 notes, 1 acknowledged". */
function summaryLine(s: RunSummary): string {
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  const parts = [n(s.findings.error, 'error'), n(s.findings.warning, 'warning'), n(s.findings.note, 'note')];
  if (s.acknowledged) parts.push(`${s.acknowledged} acknowledged`);
  return `patch-review: ${n(s.patches, 'patch').replace(/patchs$/, 'patches')}: ${parts.join(', ')}`;
}

/** Gives findings the requirement statements of the spec sections they cite (--spec-index). */
async function specStatementsFor(index: VirtioSpecIndex): Promise<(findings: Finding[]) => Finding[]> {
  const { specStatementLookup, attachSpecStatements } = await import('../../analyze/spec-statements.js');
  const lookup = specStatementLookup(index);
  return (findings) => attachSpecStatements(findings, lookup);
}

/** Opens the list index once and gives each patch report its prior-discussion section. */
async function priorDiscussionFor(path: string, ctx: DiffContext): Promise<{ of: (r: PatchReport) => PatchReport['prior']; close: () => void }> {
  const { openInbox } = await import('../../inbox/store.js');
  const { priorDiscussion, citedThreads, renderPriorDiscussionText, priorDiscussionJson } = await import('../../inbox/prior.js');
  const { analyzeDiff } = await import('../../diff/facts.js');
  const inbox = await openInbox(path);
  return {
    of(r) {
      const facts = analyzeDiff(r.patch, ctx).facts;
      const opts = r.series?.coverLetter ? { coverSubject: parseSubject(r.series.coverLetter).subject } : {};
      const pd = priorDiscussion(inbox, r.patch, facts, opts);
      const cited = citedThreads(inbox, r.findings);
      return { text: renderPriorDiscussionText(pd, cited), json: priorDiscussionJson(pd, cited) };
    },
    close: () => inbox.close(),
  };
}

function openFileSink(path: string): Sink {
  try {
    return fileSink(path);
  } catch (e) {
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
      yield* read({ name: '-', label: `git:${range}`, readStdin: async () => mbox });
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
