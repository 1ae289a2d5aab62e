// `patch-review hook install|uninstall|run`: the git send-email sendemail-validate hook.
import { join, resolve } from 'node:path';
import type { CommandRun } from '../io.js';
import { UsageError } from '../../model/errors.js';
import { CLI_BIN, DEFAULT_SITE_URL, toolInfo } from '../../io/paths.js';
import type { OnError } from '../../config/project-config.js';
import { parseFailOn } from '../../config/policy.js';

export const run: CommandRun = async (p, io) => {
  const sub = p.path[1];
  const o = p.opts as { repo?: string; failOn?: string; onError?: OnError };
  const failOn = o.failOn !== undefined ? parseFailOn(o.failOn) : undefined;
  const onError = o.onError;
  const repo = resolve(io.cwd, o.repo ?? '.');

  if (sub === 'install') {
    const { installHook } = await import('../../hook/install.js');
    const settings = { node: process.execPath, cli: CLI_BIN, onError: onError ?? 'open', ...(failOn ? { failOn } : {}) };
    const r = await installHook(repo, settings);
    io.stdout(`patch-review: ${r.updated ? 'updated' : 'installed'} ${r.path}${r.chained ? ` (runs the earlier hook first: ${r.chained})` : ''}\n`);
    return 0;
  }
  if (sub === 'uninstall') {
    const { uninstallHook } = await import('../../hook/install.js');
    const r = await uninstallHook(repo);
    io.stdout(`patch-review: removed the hook${r.restored ? `; restored the earlier ${r.path}` : ''}\n`);
    return 0;
  }
  if (sub === 'run') {
    // $2 (git 2.41+) is the SMTP header file: never read as a patch.
    const file = p.args[0]!;
    const { validateForSend } = await import('../../hook/validate.js');
    // send-email runs the hook at the top of the tree the patches come from.
    return validateForSend({ file: resolve(io.cwd, file), siteUrl: '', tool: toolInfo(), tree: { auto: true, cwd: io.cwd }, ...(failOn ? { failOn } : {}), ...(onError ? { onError } : {}) }, io);
  }
  throw new UsageError(`unknown hook command "${sub}" (install, uninstall, run)`);
};
