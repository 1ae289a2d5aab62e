// What local waivers need from git: the notes under refs/notes/patch-review on the commits a
// review covers, and a patch's `git patch-id --stable`. io/git.ts loads child_process on first
// use: a plain review with neither never pays for it.
import type { Patch } from '../model/patch.js';
import { gitSync } from '../io/git.js';

export const NOTES_REF = 'patch-review';

/** The patch-review note on one commit, or null (no note, no repository, no git). */
export function noteOn(commit: string, repo: string): string | null {
  if (!/^[0-9a-f]{7,64}$/.test(commit)) return null;
  const r = gitSync(['notes', `--ref=${NOTES_REF}`, 'show', '--end-of-options', commit], repo);
  return r.code === 0 ? r.stdout : null;
}

/** Notes on the commits of a range, by commit subject (what a patch made from it is called). */
export function notesInRange(range: string, repo: string): Map<string, { commit: string; note: string }> {
  const out = new Map<string, { commit: string; note: string }>();
  const r = gitSync(['log', '--no-merges', `--notes=${NOTES_REF}`, '--format=%H%x1f%s%x1f%N%x1e', '--end-of-options', range], repo);
  if (r.code !== 0) return out;
  for (const rec of r.stdout.split('\x1e')) {
    const [commit, subject, note] = rec.replace(/^\n/, '').split('\x1f');
    if (commit && subject !== undefined && note && note.trim() !== '') out.set(subject, { commit, note });
  }
  return out;
}

/** `git format-patch` puts the commit id in the mbox "From " line: "From <sha> Mon Sep 17 00:00:00 2001". */
export function commitOfFormatPatch(firstLine: string): string | null {
  return /^From ([0-9a-f]{40}|[0-9a-f]{64}) Mon Sep 17 00:00:00 2001/.exec(firstLine)?.[1] ?? null;
}

/** `git patch-id --stable` of a patch's diff, or null when git cannot say. */
export function patchIdOf(p: Patch, cwd: string): string | null {
  const r = gitSync(['patch-id', '--stable'], cwd, { input: p.diff.endsWith('\n') ? p.diff : p.diff + '\n' });
  return r.code === 0 ? (/^([0-9a-f]{40,64})\b/.exec(r.stdout)?.[1] ?? null) : null;
}
