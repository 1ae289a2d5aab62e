// Every command's arguments, on commander: options, defaults, choices, help with examples, and
// "did you mean" for mistyped options and subcommands. Commands get the parsed result; this
// module only turns arguments into options (no command's code is loaded here).
import { Command, CommanderError, Option, type OptionValues } from 'commander';
import { UsageError } from '../model/errors.js';
import { SUBCOMMANDS, type Subcommand } from './subcommands.js';

/** What a command runs with: its path (["kb", "lint"]), options (camelCase), operands, and option order. */
export interface Parsed {
  path: string[];
  opts: OptionValues;
  args: string[];
  /** Repeatable options in the order given (--format/--output pairing). */
  order: { kind: 'option'; name: string; value: string }[];
}

export interface CommandDoc {
  usage: string;
  summary: string;
  examples: string[];
  /** More about the command, after the options. */
  about?: string;
}

const TEXT_OR_JSON = ['text', 'json'];
const FAIL_LEVELS = ['error', 'warning', 'note', 'never'];

export const DOCS: Record<Subcommand, CommandDoc> = {
  review: {
    usage: '[options] FILE|DIR|-|--git RANGE …',
    summary: 'review patches against the knowledge base (the default command: "review" may be left out)',
    examples: ['patch-review 0001-vhost-fix.patch', 'git format-patch -3 --stdout | patch-review -', 'patch-review --git origin/master..HEAD --format terse', 'patch-review --format text --format sarif --output ci.sarif series.mbox', 'patch-review --verbose --ignore uapi-header-changed series.mbox'],
    about:
      'Reviews patches (format-patch files, mails, mbox/mbox.gz, unified diffs, folders, stdin) against the\nknowledge base of virtualization uAPI behaviours.\nexit: 0 clean, 1 findings at or above --fail-on, 2 usage or input error\ncommands: review (the default), kb, spec, facts, hook, site, inbox, related, who, consumers, help;\npatch-review help COMMAND shows a command\'s usage and examples',
  },
  kb: {
    usage: 'list|show ID|lint|spec-sections|coverage|draft …',
    summary: 'the knowledge base: list and show entries, lint them, check coverage, draft one from a thread',
    examples: ['patch-review kb list', 'patch-review kb show vhost-access-platform-offer', 'patch-review kb lint --corpus ../shared/corpus', 'patch-review kb draft --db list.db --thread MESSAGE-ID'],
  },
  spec: {
    usage: 'index|show …',
    summary: "index your copy of the virtio spec and vhost-user.rst; show a section's requirements",
    examples: ['patch-review spec index --virtio ../spec/virtio-spec --out spec-index.json', 'patch-review spec show 2.1 --index spec-index.json'],
  },
  facts: {
    usage: '[--kind KIND]… [--headers DIR] INPUT…',
    summary: 'print the typed facts a patch produces (what knowledge triggers match)',
    examples: ['patch-review facts 0001-vhost-fix.patch', 'patch-review facts --kind mask-bit-added series.mbox'],
  },
  hook: {
    usage: 'install|uninstall|run [options]',
    summary: 'install the git send-email validation hook (reviews each patch before it is sent)',
    examples: ['patch-review hook install --fail-on warning', 'patch-review hook uninstall --repo ~/linux'],
  },
  site: {
    usage: 'build [--out DIR] [--base-url URL] [--headers DIR] [--vhost-user FILE]',
    summary: 'build the static compatibility-notes site from the knowledge base',
    examples: ['patch-review site build --out site/', 'patch-review site build --base-url https://example.org/notes'],
  },
  inbox: {
    usage: 'index --db PATH SOURCE… | stats --db PATH',
    summary: 'index a list archive (mbox, public-inbox v2, Maildir) for related, who and --inbox',
    examples: ['patch-review inbox index --db list.db archive.mbox.gz', 'patch-review inbox stats --db list.db'],
  },
  related: {
    usage: '--db PATH [--format text|json] [--limit N] FILE|- …',
    summary: 'threads in the list index that discussed what a patch touches, ranked',
    examples: ['patch-review related --db list.db 0001-vhost-fix.patch'],
    about:
      'Lists the threads of an index (built with "patch-review inbox index") that discussed the symbols\nthe patches touch: earlier versions of each patch first, then other discussions ranked by shared\nsymbols, review replies naming them, outcome and time.',
  },
  consumers: {
    usage: 'index --db DB DIR… | [--db DB] [--all] [--format text|json] SYMBOL',
    summary: 'index userspace consumers (QEMU, crosvm…) and show where they use a uAPI symbol',
    examples: ['patch-review consumers index --db consumers.db ~/src/qemu ~/src/crosvm', 'patch-review consumers --db consumers.db VHOST_SET_FEATURES'],
    about:
      'SYMBOL: an ioctl, message, feature bit, struct (vhost_vring_addr or "struct vhost_vring_addr"),\na rust-vmm name (FrontendReq::SET_FEATURES), NAME* for a prefix, or @features:vhost,\n@features:vhost-user, @features:vdpa for the places that compute negotiated features. The index\ndefaults to consumers: in .patch-review.yml, git config patch-review.consumers, then ./consumers.db.',
  },
  who: {
    usage: '--db PATH [--format text|json] [--limit N] FILE|- …',
    summary: 'who reviewed changes to the symbols a patch touches (Cc suggestions)',
    examples: ['patch-review who --db list.db 0001-vhost-fix.patch'],
    about:
      'Suggests Cc: lines from review history: the people who replied to, acked or reviewed earlier\npatches touching the same symbols, or named them in their replies. All patches given are taken\ntogether (a series gets one list); their authors are left out. The tree\'s .mailmap and MAINTAINERS\nare used when the command runs inside one.',
  },
};

/** A repeatable option's collector, which also records the option's place among the others. */
function collect(order: Parsed['order'], name: string) {
  return (value: string, previous: string[] | undefined) => {
    order.push({ kind: 'option', name, value });
    return [...(previous ?? []), value];
  };
}

function withDoc(cmd: Command, doc: CommandDoc): Command {
  cmd.usage(doc.usage).description(doc.summary);
  return cmd.addHelpText('after', `${doc.about ? `\n${doc.about}\n` : ''}\nexamples:\n${doc.examples.map((e) => `  ${e}`).join('\n')}\n`);
}

function choice(flags: string, description: string, choices: string[], fallback?: string): Option {
  const o = new Option(flags, description).choices(choices);
  return fallback === undefined ? o : o.default(fallback);
}

/** Options every command shares the spelling of. */
const knowledgeOption = (cmd: Command, order: Parsed['order']) => cmd.option('--knowledge <dir>', 'extra knowledge directory (repeatable)', collect(order, 'knowledge'));

type Builder = (cmd: Command, order: Parsed['order'], leaf: (c: Command) => Command) => void;

const BUILDERS: Record<Subcommand, Builder> = {
  review(cmd, order, leaf) {
    cmd
      .argument('[inputs...]')
      .option('--format <name>', 'text|terse|markdown|json|jsonl|sarif|rdjson|rdjsonl|patchwork|email|html|b4 (repeatable; default text)', collect(order, 'format'))
      .option('-o, --output <file>', 'write the --format given before it to FILE instead of stdout (repeatable)', collect(order, 'output'))
      .addOption(choice('--fail-on <level>', 'exit 1 when a finding is at or above it (default error)', FAIL_LEVELS))
      .option('--knowledge <dir>', 'extra knowledge directory (repeatable)', collect(order, 'knowledge'))
      .option('--config <file>', 'settings file (default: the nearest .patch-review.yml up to the repository root)')
      .option('--inbox <db>', 'a list index (patch-review inbox index): show prior discussions per patch')
      .option('--consumers <db>', 'a consumers index (patch-review consumers index): real use sites per finding')
      .option('--headers <dir>', 'uAPI headers to check new ioctl numbers against (default /usr/include/linux)')
      .option('--spec-index <file>', "a saved spec index: check new feature bits and vhost-user ids, print cited sections' requirements")
      .option('--tree <dir>', 'the kernel or QEMU tree the patches apply to (default: the tree the current directory is in, for --git and stdin)')
      .option('--no-tree', 'do not use a source tree')
      .option('-j, --jobs <n>', 'analyse with N worker threads (large mboxes; output order is unchanged)')
      .option('--git <range>', 'review a git range (A..B, or one commit) in --repo (repeatable)', collect(order, 'git'))
      .option('--repo <dir>', 'the repository for --git (default: the current directory)')
      .option('--explain <rule>', 'print the knowledge entry behind a rule id')
      .option('--color', 'force colour on (default: on for a terminal)')
      .option('--no-color', 'force colour off')
      .option('-v, --verbose', 'text: every finding in full, with its whole checklist and references; terse and b4: notes too')
      .option('--site-url <url>', "base URL of the compatibility-notes site for links (default: none; links go to each rule's first citation)")
      .option('--ignore <rules>', "leave these rules' findings out, RULE[,RULE] (repeatable; adds to ignore: in the config)", collect(order, 'ignore'))
      .option('--progress', 'progress on stderr even when it is not a terminal')
      .option('--no-progress', 'no progress, even on a terminal')
      .option('--version', 'print the version');
    leaf(cmd);
  },
  kb(cmd, order, leaf) {
    leaf(knowledgeOption(cmd.command('list').description('list the entries').addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text')), order));
    leaf(knowledgeOption(cmd.command('show').description("print an entry (kb list shows the ids)").argument('<id>'), order));
    leaf(
      cmd
        .command('lint')
        .description('check the entries: schema, citations, symbols, spec sections')
        .option('--dir <dir>', 'the knowledge folder (default: the built-in one)')
        .option('--corpus <dir>', 'a list corpus to resolve lore citations in')
        .option('--spec <dir>', 'a virtio spec checkout to resolve spec sections in')
        .option('--docs <dir>', 'a documentation tree (repeatable)', collect(order, 'docs'))
        .option('--tree <git-dir>', 'a git tree to resolve commit ids in (repeatable)', collect(order, 'tree'))
        .addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text')),
    );
    leaf(
      cmd
        .command('spec-sections')
        .description('regenerate knowledge/spec-sections.json from a spec checkout')
        .option('--spec <dir>', 'a virtio spec checkout')
        .option('--dir <dir>', 'the knowledge folder (default: the built-in one)')
        .option('--write', 'write the file (default: only say whether it is up to date)'),
    );
    leaf(
      knowledgeOption(
        cmd
          .command('coverage')
          .description('how many uAPI names of your headers an entry covers')
          .option('--headers <dir>', 'uAPI headers (e.g. /usr/include/linux)')
          .option('--vhost-user <file>', "QEMU's vhost-user.rst")
          .option('--iommufd <file>', 'the iommufd documentation')
          .addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text')),
        order,
      ),
    );
    leaf(
      cmd
        .command('draft')
        .description('a knowledge entry skeleton for the thread holding MESSAGE-ID, from a list index')
        .option('--db <path>', 'the list index (patch-review inbox index)')
        .option('--thread <message-id>', 'a Message-ID, <id> or a lore link')
        .addOption(choice('--format <format>', 'output format', ['markdown', 'json'], 'markdown')),
    );
  },
  spec(cmd, _order, leaf) {
    leaf(
      cmd
        .command('index')
        .description('index the virtio spec LaTeX sources (DIR holds virtio.tex) and/or vhost-user.rst; print the counts')
        .option('--virtio <dir>', 'the virtio spec sources')
        .option('--vhost-user <file>', "QEMU's docs/interop/vhost-user.rst")
        .option('-o, --out <path>', 'write the whole index to PATH')
        .addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text')),
    );
    leaf(
      cmd
        .command('show')
        .description("print a section's number, title, label, link and normative statements")
        .argument('<ref>', 'a section LABEL or NUMBER')
        .option('--index <path>', 'a saved spec index (spec index --out)')
        .option('--virtio <dir>', 'the virtio spec sources')
        .addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text')),
    );
  },
  facts(cmd, order, leaf) {
    leaf(cmd.argument('<inputs...>').option('--kind <kind>', 'only facts of this kind (repeatable)', collect(order, 'kind')).option('--headers <dir>', 'uAPI headers to read definitions from'));
  },
  hook(cmd, _order, leaf) {
    const failOn = () => choice('--fail-on <level>', 'stop the send at this level (default error; git config patch-review.failOn and .patch-review.yml hook.fail-on also set it)', FAIL_LEVELS);
    const onError = () => choice('--on-error <policy>', 'open (default): send anyway if patch-review itself fails; closed: stop', ['open', 'closed']);
    const repo = '--repo <dir>';
    leaf(cmd.command('install').description("write the sendemail-validate hook into the repository's hooks directory; a hook already there is kept and run first").option(repo, 'the repository (default: the current directory)').addOption(failOn()).addOption(onError()));
    leaf(cmd.command('uninstall').description('remove it and put back the hook it replaced').option(repo, 'the repository (default: the current directory)'));
    leaf(cmd.command('run').description('what the hook calls for each file git send-email is about to send').argument('<patch>').argument('[smtp-headers]').addOption(failOn()).addOption(onError()));
  },
  site(cmd, order, leaf) {
    leaf(
      cmd
        .command('build')
        .description('build the site: a page per note and per symbol, an A–Z index, the matrix, search, a feed, a sitemap, example reviews')
        .option('-o, --out <dir>', 'where to write the site', 'site')
        .option('--base-url <url>', 'the URL the site is published at (sitemap, feed, canonical links)')
        .option('--headers <dir>', 'uAPI headers to read definition facts from (default: /usr/include/linux if present)')
        .option('--no-headers', 'do not read headers')
        .option('--vhost-user <file>', 'QEMU docs/interop/vhost-user.rst for message ids and protocol features')
        .option('--knowledge <dir>', 'extra knowledge directory (repeatable)', collect(order, 'knowledge'))
        .option('--consumers <db>', 'a consumers index: symbol pages list their users'),
    );
  },
  inbox(cmd, _order, leaf) {
    leaf(
      cmd
        .command('index')
        .description('add the mails of each SOURCE (mbox or .gz, public-inbox v2, Maildir) to the index; only what is new is read')
        .argument('[sources...]')
        .option('--db <path>', 'the index (created when missing)')
        .addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text'))
        .option('-q, --quiet', 'no progress'),
    );
    leaf(cmd.command('stats').description('what the index holds').option('--db <path>', 'the index').addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text')));
  },
  related: (cmd, _order, leaf) => leaf(inboxQuery(cmd)),
  who: (cmd, _order, leaf) => leaf(inboxQuery(cmd)),
  consumers(cmd, _order, leaf) {
    leaf(
      cmd
        .command('index')
        .description('parse the C and Rust files of each checkout and record where each uAPI symbol is used; a checkout whose HEAD is indexed is skipped')
        .argument('[dirs...]')
        .option('--db <db>', 'the consumers index')
        .addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text')),
    );
    leaf(cmd.argument('[symbol]').option('--db <db>', 'the consumers index').option('--all', 'also list definitions and bare mentions').addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text')));
  },
};

function inboxQuery(cmd: Command): Command {
  return cmd
    .argument('[patches...]')
    .option('--db <path>', 'the list index (patch-review inbox index)')
    .addOption(choice('--format <format>', 'output format', TEXT_OR_JSON, 'text'))
    .option('--limit <n>', 'at most N results', '8');
}

/** One command with its options and help; `leaf` is given every command that runs. */
export function defineCommand(name: Subcommand, order: Parsed['order'] = [], leaf: (c: Command) => Command = (c) => c): Command {
  const doc = DOCS[name];
  const cmd = withDoc(new Command(name), doc);
  BUILDERS[name](cmd, order, leaf);
  // Options after a subcommand's name are the subcommand's (consumers --db, consumers index --db).
  if (cmd.commands.length > 0) cmd.enablePositionalOptions();
  // A subcommand's help ends with its own examples (the command's, when it has none).
  for (const sub of cmd.commands) {
    const own = doc.examples.filter((e) => e.startsWith(`patch-review ${name} ${sub.name()} `));
    sub.addHelpText('after', `\nexamples:\n${(own.length ? own : doc.examples).map((e) => `  ${e}`).join('\n')}\n`);
  }
  return cmd;
}

/** The whole program, for `patch-review help`. */
export function defineProgram(): Command {
  const p = new Command('patch-review')
    .usage('[command] [options] …')
    .description('Review Linux kernel and QEMU patches that touch the virtualization uAPIs.')
    .configureHelp({ helpWidth: 100, sortSubcommands: false });
  for (const name of SUBCOMMANDS) p.addCommand(defineCommand(name));
  p.command('help').usage('[COMMAND]').description("list the commands, or show one command's help");
  return p;
}

/**
 * Parses one command's arguments. Help (`--help`, a command with a missing subcommand) is
 * returned as text; a usage error is thrown as one line.
 */
export function parseCommand(name: Subcommand, args: string[]): Parsed | { help: string } {
  const order: Parsed['order'] = [];
  let parsed: Parsed | null = null;
  let help = '';
  const leaf = (c: Command) =>
    c.action(function (this: Command) {
      const path: string[] = [];
      for (let x: Command | null = this; x?.parent; x = x.parent) path.unshift(x.name());
      // Variadic operands come as arrays, missing optional ones as undefined.
      const args = (this.processedArgs as unknown[]).flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? (a as string[]) : [String(a)]));
      parsed = { path, opts: this.opts(), args, order };
    });
  const root = new Command('patch-review').configureHelp({ helpWidth: 100 }).enablePositionalOptions();
  const cmd = defineCommand(name, order, leaf);
  root.addCommand(cmd);
  const quiet = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: (t) => void (help += t), writeErr: () => {}, outputError: () => {} }).configureHelp({ helpWidth: 100 });
    for (const sub of c.commands) quiet(sub);
  };
  quiet(root);
  try {
    root.parse([name, ...args], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return { help };
    if (e.code === 'commander.help') throw new UsageError(`${name}: a subcommand is missing (patch-review ${name} --help lists them)`);
    const lines = e.message.replace(/^error: /, '').split('\n').filter((l) => l.trim() !== '');
    const command = name === 'review' ? '' : ` ${name}`;
    throw new UsageError(`${command ? `${name}: ` : ''}${lines.join(' ')} (see patch-review${command} --help)`);
  }
  if (!parsed) throw new UsageError(`${name}: nothing to do (see patch-review ${name} --help)`);
  return parsed;
}
