// Pass/fail policy: which findings a run leaves out (ignores), which fail it (the fail level,
// waivers never fail) and what that means for the exit status. The configuration
// (project-config.ts) and the command line only choose the settings; the engine applies them.
import { createRequire } from 'node:module';
import { SEVERITIES, SEVERITY_RANK, type Finding, type Severity } from '../model/finding.js';
import { UsageError } from '../model/errors.js';
import type { IgnoreRule } from './project-config.js';

export const FAIL_LEVELS = [...SEVERITIES, 'never'] as const;
export type FailOn = (typeof FAIL_LEVELS)[number];

// picomatch is loaded only when an ignore entry has paths.
const requireLazy = createRequire(import.meta.url);

export function parseFailOn(value: string, option = '--fail-on'): FailOn {
  if (!(FAIL_LEVELS as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of ${FAIL_LEVELS.join(', ')} (got "${value}")`);
  return value as FailOn;
}

/** True when an unacknowledged finding is at or above the level. */
export function failsAt(findings: Finding[], failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  const bar = SEVERITY_RANK[failOn as Severity];
  return findings.some((f) => !f.acknowledged && SEVERITY_RANK[f.severity] >= bar);
}

/** A predicate that keeps the findings no ignore entry covers; null when nothing is ignored. */
export function compileIgnores(ignore: IgnoreRule[]): ((f: Finding) => boolean) | null {
  if (ignore.length === 0) return null;
  const compiled = ignore.map((i) => ({
    rules: new Set(i.rules ?? []),
    categories: new Set<string>(i.categories ?? []),
    paths: i.paths ? (requireLazy('picomatch') as typeof import('picomatch'))(i.paths, { dot: true }) : null,
  }));
  return (f) =>
    !compiled.some((i) => (i.rules.has(f.ruleId) || i.categories.has(f.category)) && (i.paths === null || (f.file !== null && i.paths(f.file))));
}

/** Rule ids named by ignore entries that the knowledge base does not have (likely typos). */
export function unknownIgnoredRules(ignore: IgnoreRule[], known: Set<string>): string[] {
  return [...new Set(ignore.flatMap((i) => i.rules ?? []).filter((r) => !known.has(r)))];
}
