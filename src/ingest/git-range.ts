// A git range in a repository → the mbox `git format-patch` makes of it.
// The range is user input: it is validated, may not start with "-", and always follows
// --end-of-options, so it can never pass an option to git.
import { InputError } from '../model/errors.js';
import { git } from '../io/git.js';

const SAFE_REV = /^[A-Za-z0-9._/@{}~^:+-]+$/;

export function splitRange(range: string): { from: string | null; to: string } {
  const parts = range.split('...');
  if (parts.length === 2) throw new InputError(range, 'symmetric ranges (A...B) are not supported; use A..B');
  const dots = range.split('..');
  if (dots.length > 2) throw new InputError(range, 'not a git range (expected REV or A..B)');
  if (dots.length === 2) return { from: dots[0] || 'HEAD', to: dots[1] || 'HEAD' };
  return { from: null, to: range };
}

export function validateRevSyntax(range: string): void {
  if (range === '' || range.startsWith('-')) throw new InputError(range || '<empty>', 'a git range may not be empty or start with "-"');
  const { from, to } = splitRange(range);
  for (const rev of [from, to]) {
    if (rev === null) continue;
    if (rev.startsWith('-') || !SAFE_REV.test(rev)) throw new InputError(range, `"${rev}" is not a revision name`);
  }
}

/** `git format-patch --stdout` of the range; a single REV means that one commit. */
export async function formatPatchRange(range: string, repoDir: string): Promise<Buffer> {
  validateRevSyntax(range);
  const inRepo = await git(['rev-parse', '--git-dir'], repoDir).catch(() => null);
  if (!inRepo || inRepo.code !== 0) throw new InputError(repoDir, 'not a git repository');
  const { from, to } = splitRange(range);
  for (const rev of [from, to]) {
    if (rev === null) continue;
    // --quiet: an unknown revision is an empty answer and a non-zero exit, nothing on stderr.
    const r = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], repoDir);
    if (r.code !== 0 || !/^[0-9a-f]{40,64}\s*$/.test(r.stdout)) throw new InputError(range, `unknown revision "${rev}" in ${repoDir}`);
  }
  const spec = from === null ? ['-1', '--end-of-options', to] : ['--end-of-options', `${from}..${to}`];
  const formatted = await git(['format-patch', '--stdout', '--no-signature', ...spec], repoDir, undefined, { maxBuffer: 1 << 29 });
  if (formatted.code !== 0) throw new InputError(range, `git format-patch failed: ${formatted.stderr.trim().split('\n')[0] || `exit ${formatted.code}`}`);
  const out = formatted.stdout;
  if (out.trim() === '') throw new InputError(range, 'the range holds no commits');
  return Buffer.from(out, 'utf8');
}
