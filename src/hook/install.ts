// Installs and removes the sendemail-validate hook. A hook that is already there is kept
// beside ours (and run first by it); uninstall puts it back.
import { AtomicFile } from '../io/atomic-write.js';
import { existsSync, readFileSync, renameSync, unlinkSync, chmodSync, mkdirSync, lstatSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../model/errors.js';
import { git } from '../io/git.js';
import { CHAINED_NAME, HOOK_NAME, hookScript, isOurHook, type ScriptSettings } from './script.js';

/** The directory git runs hooks from: `.git/hooks`, or `core.hooksPath`. */
export async function hooksDir(repo: string): Promise<string> {
  const r = await git(['rev-parse', '--git-path', 'hooks'], repo);
  if (r.code !== 0) throw new InputError(repo, 'not a git repository');
  return resolve(repo, r.stdout.trim());
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function readHook(p: string): string {
  try {
    return readFileSync(p, 'latin1');
  } catch {
    return ''; // a dangling symlink or unreadable file is not ours
  }
}

export interface InstallResult {
  path: string;
  /** The hook that was there before, now run first by ours. */
  chained: string | null;
  updated: boolean;
}

export async function installHook(repo: string, settings: ScriptSettings): Promise<InstallResult> {
  if (!existsSync(settings.cli)) throw new InputError(settings.cli, 'the patch-review launcher is missing: the hook would have nothing to run');
  const dir = await hooksDir(repo);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, HOOK_NAME);
  const chained = join(dir, CHAINED_NAME);
  let updated = false;
  if (exists(path)) {
    if (isOurHook(readHook(path))) updated = true;
    else {
      if (exists(chained)) throw new InputError(chained, `already exists, so the current ${HOOK_NAME} cannot be kept there; move one of them away first`);
      renameSync(path, chained);
    }
  }
  const file = new AtomicFile(path, 0o755);
  file.write(hookScript(settings));
  chmodSync(file.tmp.path, 0o755);
  file.commit();
  return { path, chained: exists(chained) ? chained : null, updated };
}

export interface UninstallResult {
  path: string;
  restored: boolean;
}

export async function uninstallHook(repo: string): Promise<UninstallResult> {
  const dir = await hooksDir(repo);
  const path = join(dir, HOOK_NAME);
  const chained = join(dir, CHAINED_NAME);
  if (exists(path)) {
    if (!isOurHook(readHook(path))) throw new InputError(path, 'was not installed by patch-review: left alone');
    unlinkSync(path);
  } else if (!exists(chained)) {
    throw new InputError(dir, `no patch-review ${HOOK_NAME} hook is installed here`);
  }
  if (exists(chained)) {
    renameSync(chained, path);
    return { path, restored: true };
  }
  return { path, restored: false };
}
