// Help for every command, from one commander program: `patch-review help`, `patch-review help
// CMD` and `CMD --help` print it (exit 0). Each command keeps its own argument parsing; this
// module is loaded only when help is asked for, never on a review.
import { Command } from 'commander';
import { SUBCOMMANDS, type Subcommand } from './subcommands.js';

interface CommandDoc {
  usage: string;
  summary: string;
  examples: string[];
}

const DOCS: Record<Subcommand, CommandDoc> = {
  review: {
    usage: '[options] FILE|DIR|-|--git RANGE …',
    summary: 'review patches against the knowledge base (the default command: "review" may be left out)',
    examples: ['patch-review 0001-vhost-fix.patch', 'git format-patch -3 --stdout | patch-review -', 'patch-review --git origin/master..HEAD --format terse', 'patch-review --verbose --ignore uapi-header-changed series.mbox'],
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
    usage: 'install|uninstall [--repo DIR] [--fail-on LEVEL] [--on-error open|closed]',
    summary: "install the git send-email validation hook (reviews each patch before it is sent)",
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
  },
  consumers: {
    usage: 'index --db DB DIR… | [--db DB] [--all] [--format text|json] SYMBOL',
    summary: 'index userspace consumers (QEMU, crosvm…) and show where they use a uAPI symbol',
    examples: ['patch-review consumers index --db consumers.db ~/src/qemu ~/src/crosvm', 'patch-review consumers --db consumers.db VHOST_SET_FEATURES'],
  },
  who: {
    usage: '--db PATH [--format text|json] [--limit N] FILE|- …',
    summary: 'who reviewed changes to the symbols a patch touches (Cc suggestions)',
    examples: ['patch-review who --db list.db 0001-vhost-fix.patch'],
  },
};

function program(): Command {
  const p = new Command('patch-review')
    .usage('[command] [options] …')
    .description('Review Linux kernel and QEMU patches that touch the virtualization uAPIs.')
    .configureHelp({ helpWidth: 100, sortSubcommands: false });
  for (const name of SUBCOMMANDS) {
    const doc = DOCS[name];
    p.command(name).usage(doc.usage).description(doc.summary);
  }
  p.command('help').usage('[COMMAND]').description('list the commands, or show one command\'s help');
  return p;
}

/** `patch-review help`: every command with a line on what it does. */
export function programHelp(): string {
  return `${program().helpInformation()}\nRun "patch-review help COMMAND" or "patch-review COMMAND --help" for a command's usage and examples.\n\nexamples:\n  patch-review 0001-vhost-fix.patch\n  patch-review help kb\n`;
}

/** One command's help with examples, or null for a name that is no command. */
export function commandHelp(name: string): string | null {
  const cmd = program().commands.find((c) => c.name() === name);
  if (!cmd) return null;
  const doc = DOCS[name as Subcommand];
  return `${cmd.helpInformation()}${doc ? `\nexamples:\n${doc.examples.map((e) => `  ${e}`).join('\n')}\n` : ''}`;
}
