// With --spec-index: each finding's cited spec sections get the requirement statements of
// those sections from the user's own spec index. The sentences come from the user's copy
// at run time; the repository keeps only labels, numbers and titles.
import type { Finding } from '../model/finding.js';
import { resolveSpecLabel } from '../spec/spec-links.js';
import type { NormativeStatement, VirtioSpecIndex } from '../spec/types.js';

type SectionStatements = NonNullable<Finding['specStatements']>[number];

/** Requirements only: MAY and OPTIONAL permit, they do not constrain a patch. */
const REQUIREMENT = new Set(['MUST', 'MUST NOT', 'SHALL', 'SHALL NOT', 'REQUIRED', 'SHOULD', 'SHOULD NOT', 'RECOMMENDED', 'NOT RECOMMENDED']);

/**
 * Returns a lookup that gives, for a spec label, the section's number and the requirement
 * statements of its normative blocks ("Driver/Device Requirements: ..." directly under it,
 * or the block itself when the label names one). Results are cached per label.
 */
export function specStatementLookup(index: VirtioSpecIndex): (label: string) => SectionStatements | null {
  const cache = new Map<string, SectionStatements | null>();
  return (label) => {
    if (cache.has(label)) return cache.get(label)!;
    const resolved = resolveSpecLabel(index, label);
    let result: SectionStatements | null = null;
    if (resolved) {
      const statements: SectionStatements['statements'] = [];
      for (const b of index.normativeBlocks) {
        if (b.number !== resolved.number && b.section !== resolved.number) continue;
        for (const s of b.statements) {
          const keyword = requirementOf(s);
          if (keyword) statements.push({ keyword, text: s.text });
        }
      }
      if (statements.length > 0) result = { label, number: resolved.number, statements };
    }
    cache.set(label, result);
    return result;
  };
}

/** The first requirement keyword of a sentence ("MAY ... but MUST ..." is a MUST). */
function requirementOf(s: Pick<NormativeStatement, 'keyword'> & { keywords?: readonly string[] }): string | undefined {
  return (s.keywords ?? [s.keyword]).find((k) => REQUIREMENT.has(k));
}

/** The findings with specStatements set where a cited section has requirements. */
export function attachSpecStatements(findings: Finding[], lookup: (label: string) => SectionStatements | null): Finding[] {
  return findings.map((f) => {
    const found: SectionStatements[] = [];
    for (const r of f.references) {
      if (r.type !== 'spec') continue;
      const s = lookup(r.id);
      if (s) found.push(s);
    }
    return found.length > 0 ? { ...f, specStatements: found } : f;
  });
}
