// `kb lint`: everything that can be checked about the knowledge base. Always: the schema, the
// body's sections, checklists as questions, inline citations listed in references, source links
// on their project's canonical host. With a list corpus: cited mails exist, are not bare acks,
// and share no 8-word run with an entry. With the spec and docs: cited sections exist, the
// section catalogue is current, no 8-word run is shared with a cited document. With git trees:
// cited commits exist, their titles match, history versions are the first tags containing them.
import { existsSync } from 'node:fs';
import { compileSources, type Problem } from './compile.js';
import { readSources } from './load.js';
import type { Entry } from './entry.js';
import { bodyProblems } from './body.js';
import { unlistedInlineCitations } from './inline-citations.js';
import { offCanonicalLinks } from './canonical-links.js';
import { InputError } from '../model/errors.js';
import type { VirtioSpecIndex } from '../spec/types.js';

export interface LintOptions {
  /** A list corpus (mbox files) to check cited Message-IDs against. */
  corpus?: string | undefined;
  /** A virtio spec checkout (LaTeX) to check cited sections against. */
  spec?: string | undefined;
  /** Folders holding cited documentation (vhost-user.rst, vfio.rst, …), found by file name. */
  docs?: string[] | undefined;
  /** Kernel or QEMU git trees to check cited commits against. */
  trees?: string[] | undefined;
}

export interface LintReport {
  entries: number;
  problems: Problem[];
  resolvedLoreCitations: number;
  loreCitingEntries: number;
}

export async function lintKnowledge(dir: string, options: LintOptions = {}): Promise<LintReport> {
  const { entries, problems } = compileSources(readSources(dir));
  for (const e of entries) {
    checkChecklist(e, problems);
    for (const message of bodyProblems(e.body)) problems.push({ file: e.file, field: 'body', message, check: 'body' });
    problems.push(...unlistedInlineCitations(e), ...offCanonicalLinks(e));
  }
  const specIndex = options.spec ? await loadSpec(options.spec) : null;
  if (specIndex) {
    for (const e of entries) {
      e.references.forEach((r, i) => {
        if (r.type === 'spec' && !specIndex.resolve(r.id)) problems.push({ file: e.file, field: `references.${i}`, message: `spec label "${r.id}" is not a section of the specification in ${options.spec}`, check: 'spec-label' });
      });
    }
    problems.push(...(await catalogueProblems(dir, entries, specIndex.index)));
  }
  let resolved = 0;
  if (options.corpus) {
    const { corpusProblems } = await import('./lint-corpus.js');
    const r = await corpusProblems(entries, options.corpus);
    problems.push(...r.problems);
    resolved = r.resolvedEntries;
  }
  if (options.corpus || options.spec || options.docs?.length) {
    const { documentRunProblems } = await import('./lint-corpus.js');
    problems.push(...documentRunProblems(entries, options.spec ? [options.spec] : [], options.docs ?? []));
  }
  for (const t of options.trees ?? []) {
    const tree = await import('./git-tree-check.js');
    problems.push(...tree.treeProblems(entries, tree.openGitTree(t)));
  }
  return { entries: entries.length, problems, resolvedLoreCitations: resolved, loreCitingEntries: entries.filter((e) => e.references.some((r) => r.type === 'lore')).length };
}

/** Problems counted by the check that found them ("schema" for the rest). */
export function countByCheck(problems: Problem[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of problems) out[p.check ?? 'schema'] = (out[p.check ?? 'schema'] ?? 0) + 1;
  return out;
}

function checkChecklist(e: Entry, problems: Problem[]): void {
  if (e.checklist.some((q) => !/[?]\s*$/.test(q.trim()))) problems.push({ file: e.file, field: 'checklist', message: 'every checklist item must be a question (end with "?")', check: 'checklist' });
}

/** The published document's sections (changelog-only labels do not count). */
export async function loadSpec(dir: string): Promise<{ index: VirtioSpecIndex; resolve: (label: string) => unknown }> {
  if (!existsSync(dir)) throw new InputError(dir, 'spec directory does not exist');
  const spec = await import('../spec/index.js');
  const index = spec.indexVirtioSpec(dir);
  return { index, resolve: (label) => spec.resolveSpecLabel(index, label) };
}

/** The section catalogue against what the spec says for the labels the entries cite. */
async function catalogueProblems(dir: string, entries: Entry[], index: VirtioSpecIndex): Promise<Problem[]> {
  const cat = await import('../spec/section-catalogue.js');
  const labels = cat.citedSpecLabels(entries);
  const committed = cat.readCatalogue(dir);
  if (!committed) return labels.length > 0 ? [{ file: cat.SECTION_CATALOGUE_FILE, field: '', message: 'missing: run patch-review kb spec-sections --spec DIR --write', check: 'spec-catalogue' }] : [];
  const changes = cat.compareCatalogues(committed, cat.buildSectionCatalogue(index, labels).catalogue);
  const stale = (message: string): Problem => ({ file: cat.SECTION_CATALOGUE_FILE, field: '', message: `stale: ${message} (run patch-review kb spec-sections --spec DIR --write)`, check: 'spec-catalogue' });
  return [
    ...changes.added.map((l) => stale(`cited label "${l}" is missing`)),
    ...changes.changed.map((c) => stale(`"${c.label}" is §${c.to.number} ${c.to.title} in the spec, not §${c.from.number} ${c.from.title}`)),
    ...changes.removed.map((l) => stale(`"${l}" is not cited by any entry or not in the spec`)),
    ...(changes.version ? [stale(`it is for ${changes.version.from}, the spec is ${changes.version.to}`)] : []),
  ];
}
