// A tree's MAINTAINERS file: the sections whose F: patterns cover a patch's files, with their
// maintainers (M:) and reviewers (R:), so `who` names them beside the review history.
import { readFileSync } from 'node:fs';

export interface MaintainerSection {
  name: string;
  people: { role: 'maintainer' | 'reviewer'; who: string }[];
  files: string[];
  excluded: string[];
}

export function parseMaintainers(text: string): MaintainerSection[] {
  const out: MaintainerSection[] = [];
  let cur: MaintainerSection | null = null;
  for (const line of text.split('\n')) {
    const field = /^([A-Z]):\s*(.*)$/.exec(line);
    if (field && cur) {
      const [, key, value] = field;
      if (key === 'M' || key === 'R') cur.people.push({ role: key === 'M' ? 'maintainer' : 'reviewer', who: value!.trim() });
      else if (key === 'F') cur.files.push(value!.trim());
      else if (key === 'X') cur.excluded.push(value!.trim());
    } else if (line.trim() !== '' && !field) {
      cur = { name: line.trim(), people: [], files: [], excluded: [] };
      out.push(cur);
    } else if (line.trim() === '') cur = null;
  }
  return out.filter((s) => s.files.length > 0 && s.people.length > 0);
}

/** get_maintainer.pl's reading of an F: pattern: a trailing "/" is a directory and all below it; * and ? are globs within a path. */
export function patternMatches(pattern: string, path: string): boolean {
  if (pattern.endsWith('/')) return path.startsWith(pattern);
  return patternRegex(pattern).test(path);
}

// Each pattern is tried against every file of a patch: compile it once (MAINTAINERS has thousands).
const compiled = new Map<string, RegExp>();
function patternRegex(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}(/.*)?$`);
    compiled.set(pattern, re);
  }
  return re;
}

/** The sections covering any of the files, most specific (longest matching pattern) first. */
export function sectionsFor(sections: MaintainerSection[], files: string[]): MaintainerSection[] {
  const scored: { s: MaintainerSection; len: number }[] = [];
  for (const s of sections) {
    let len = 0;
    for (const f of files) {
      if (s.excluded.some((x) => patternMatches(x, f))) continue;
      for (const p of s.files) if (patternMatches(p, f)) len = Math.max(len, p.length);
    }
    if (len > 0) scored.push({ s, len });
  }
  return scored.sort((a, b) => b.len - a.len).map((x) => x.s);
}

export function readMaintainers(path: string): MaintainerSection[] | null {
  try {
    return parseMaintainers(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}
