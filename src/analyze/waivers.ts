// Waivers that stay local: entries in .patch-review.yml (by rule and path or symbol, optionally
// by patch-id), notes under refs/notes/patch-review on the commit, and --ignore on the command
// line. Unlike the Patch-Review-Ack trailer, none of them is sent to the list with the patch.
// A waived finding is acknowledged (it never fails the run); a waiver that waived nothing in a
// whole run is reported, so stale ones do not pile up.
import type { Finding } from '../model/finding.js';
import type { Patch } from '../model/patch.js';

export interface LocalWaiver {
  rule: string;
  /** Globs over the files the rule fired in; any place matching is enough. */
  paths?: string[];
  /** Any of the finding's symbols. */
  symbols?: string[];
  /** `git patch-id --stable` of the patch: the waiver holds for this change only. */
  patchId?: string;
  reason: string;
  /** Where it was written, for messages ("/repo/.patch-review.yml", "git notes"). */
  origin: string;
}

export interface WaiverSet {
  /** Marks the findings the waivers cover as acknowledged (a finding already acknowledged keeps its reason). */
  apply(findings: Finding[], patch: Patch): Finding[];
  /** The waivers that matched no finding so far. */
  unused(): LocalWaiver[];
}

type Glob = (path: string) => boolean;

/** `compileGlob` and `patchIdOf` come from the caller: this module neither loads packages nor runs git. */
export function waiverSet(waivers: LocalWaiver[], compileGlob: (globs: string[]) => Glob, patchIdOf: (p: Patch) => string | null): WaiverSet {
  const compiled = waivers.map((w) => ({ w, paths: w.paths ? compileGlob(w.paths) : null, used: 0 }));
  return {
    apply(findings, patch) {
      if (compiled.length === 0) return findings;
      let patchId: string | null | undefined;
      return findings.map((f) => {
        for (const c of compiled) {
          if (c.w.rule !== f.ruleId) continue;
          const places = f.places ?? [{ file: f.file, line: f.line }];
          if (c.paths && !places.some((p) => p.file !== null && c.paths!(p.file))) continue;
          if (c.w.symbols && !c.w.symbols.some((s) => f.symbols.includes(s))) continue;
          if (c.w.patchId) {
            if (patchId === undefined) patchId = patchIdOf(patch);
            if (patchId === null || !patchId.startsWith(c.w.patchId.toLowerCase())) continue;
          }
          c.used++;
          return f.acknowledged ? f : { ...f, acknowledged: { reason: `${c.w.reason} (${c.w.origin})` } };
        }
        return f;
      });
    },
    unused: () => compiled.filter((c) => c.used === 0).map((c) => c.w),
  };
}

/** "rule X for paths …" / "… symbols …": how a message names a waiver. */
export function describeWaiver(w: LocalWaiver): string {
  const keys = [w.paths && `paths ${w.paths.join(', ')}`, w.symbols && `symbols ${w.symbols.join(', ')}`, w.patchId && `patch-id ${w.patchId}`].filter(Boolean);
  return `${w.rule}${keys.length ? ` (${keys.join('; ')})` : ''}`;
}

/**
 * Waivers in a git note (`git notes --ref=patch-review add -m "…" COMMIT`): one per line,
 * "RULE REASON", or the trailer's form "Patch-Review-Ack: RULE REASON". They hold for the
 * commit they are attached to, wherever the rule fires in it.
 */
export function parseNoteWaivers(note: string, origin: string): LocalWaiver[] {
  const out: LocalWaiver[] = [];
  for (const raw of note.split('\n')) {
    const line = raw.trim().replace(/^Patch-Review-Ack:\s*/i, '');
    if (line === '' || line.startsWith('#')) continue;
    const [rule, ...reason] = line.split(/\s+/);
    if (rule && /^[a-z0-9][a-z0-9-]*$/.test(rule)) out.push({ rule, reason: reason.join(' ') || 'acknowledged', origin });
  }
  return out;
}
