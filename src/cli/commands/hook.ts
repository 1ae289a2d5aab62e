// `patch-review hook install|uninstall|run`: the git send-email sendemail-validate hook.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import type { CommandRun } from '../io.js';
import { UsageError } from '../../model/errors.js';
import { CLI_BIN, DEFAULT_SITE_URL, toolInfo } from '../../io/paths.js';
import { ON_ERROR, type OnError } from '../../config/project-config.js';
import { parseFailOn } from '../../config/policy.js';

const HELP = `usage: patch-review hook install [--repo DIR] [--fail-on LEVEL] [--on-error open|closed]
       patch-review hook uninstall [--repo DIR]
       patch-review hook run [--fail-on LEVEL] [--on-error open|closed] [--] PATCH [SMTP-HEADERS]

install    writes the sendemail-validate hook into the repository's hooks directory
           (.git/hooks, or core.hooksPath); a hook already there is kept and run first
uninstall  removes it and puts back the hook it replaced
run        what the hook calls for each file git send-email is about to send

--fail-on LEVEL      error|warning|note|never: stop the send at this level (default error;
                     git config patch-review.failOn and .patch-review.yml hook.fail-on also set it)
--on-error POLICY    open (default): send anyway if patch-review itself fails; closed: stop
--repo DIR           the repository (default: the current directory)`;

function parseOnError(v: string | undefined): OnError | undefined {
  if (v === undefined) return undefined;
  if (!(ON_ERROR as readonly string[]).includes(v)) throw new UsageError(`--on-error must be open or closed (got "${v}")`);
  return v as OnError;
}

export const run: CommandRun = async (args, io) => {
  const [sub, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        repo: { type: 'string' },
        'fail-on': { type: 'string' },
        'on-error': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (see patch-review hook --help)`);
  }
  const o = parsed.values;
  if (sub === undefined || sub === '--help' || sub === '-h' || o.help) {
    io.stdout(HELP + '\n');
    return 0;
  }
  const failOn = o['fail-on'] !== undefined ? parseFailOn(o['fail-on']) : undefined;
  const onError = parseOnError(o['on-error']);
  const repo = resolve(io.cwd, o.repo ?? '.');

  if (sub === 'install') {
    if (parsed.positionals.length) throw new UsageError(`hook install takes no arguments (got "${parsed.positionals[0]}")`);
    const { installHook } = await import('../../hook/install.js');
    const settings = { node: process.execPath, cli: CLI_BIN, onError: onError ?? 'open', ...(failOn ? { failOn } : {}) };
    const r = await installHook(repo, settings);
    io.stdout(`patch-review: ${r.updated ? 'updated' : 'installed'} ${r.path}${r.chained ? ` (runs the earlier hook first: ${r.chained})` : ''}\n`);
    return 0;
  }
  if (sub === 'uninstall') {
    if (parsed.positionals.length) throw new UsageError(`hook uninstall takes no arguments (got "${parsed.positionals[0]}")`);
    const { uninstallHook } = await import('../../hook/install.js');
    const r = await uninstallHook(repo);
    io.stdout(`patch-review: removed the hook${r.restored ? `; restored the earlier ${r.path}` : ''}\n`);
    return 0;
  }
  if (sub === 'run') {
    // $2 (git 2.41+) is the SMTP header file: never read as a patch.
    const [file] = parsed.positionals;
    if (!file || parsed.positionals.length > 2) throw new UsageError('hook run takes the patch file and, optionally, the SMTP header file');
    const { validateForSend } = await import('../../hook/validate.js');
    // send-email runs the hook at the top of the tree the patches come from.
    return validateForSend({ file: resolve(io.cwd, file), siteUrl: '', tool: toolInfo(), tree: { auto: true, cwd: io.cwd }, ...(failOn ? { failOn } : {}), ...(onError ? { onError } : {}) }, io);
  }
  throw new UsageError(`unknown hook command "${sub}" (install, uninstall, run)`);
};
