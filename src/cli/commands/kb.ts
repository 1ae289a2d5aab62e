// `patch-review kb list|show|lint|coverage|spec-sections`: the knowledge base as data.
import { existsSync } from 'node:fs';
import type { CommandRun, CliIO } from '../io.js';
import { UsageError, InputError } from '../../model/errors.js';
import { readSources, loadKnowledge } from '../../knowledge/load.js';
import { BUILTIN_KNOWLEDGE } from '../../io/paths.js';
import { compileSources } from '../../knowledge/compile.js';
import { join } from 'node:path';

export const run: CommandRun = async (p, io) => {
  const o = p.opts as KbOptions;
  switch (p.path[1]) {
    case 'list':
      return list(o, io);
    case 'show':
      return show(p.args[0]!, o, io);
    case 'lint':
      return lint(o, io);
    case 'coverage':
      return coverage(o, io);
    case 'spec-sections':
      return specSections(o, io);
    default:
      return (await import('./kb-draft.js')).run(p, io);
  }
};

/** The options of the kb commands (program.ts), each command reading its own. */
interface KbOptions {
  format?: string;
  knowledge?: string[];
  dir?: string;
  corpus?: string;
  spec?: string;
  docs?: string[];
  tree?: string[];
  write?: boolean;
  headers?: string;
  vhostUser?: string;
  iommufd?: string;
}

async function list(values: KbOptions, io: CliIO): Promise<number> {
  const kb = await loadKnowledge(values.knowledge ?? []);
  if (values.format === 'json') {
    io.stdout(JSON.stringify(kb.entries.map(({ id, title, area, category, severity, symbols }) => ({ id, title, area, category, severity, symbols }))) + '\n');
    return 0;
  }
  for (const e of kb.entries) io.stdout(`${e.id.padEnd(48)} ${e.severity.padEnd(7)} ${e.area.padEnd(12)} ${e.title}\n`);
  io.stdout(`${kb.entries.length} entries\n`);
  return 0;
}

async function show(id: string, values: KbOptions, io: CliIO): Promise<number> {
  const kb = await loadKnowledge(values.knowledge ?? []);
  const entry = kb.entries.find((e) => e.id === id);
  if (!entry) throw new InputError(id, 'no such knowledge entry (kb list shows them)');
  const { renderEntryText } = await import('../../knowledge/render.js');
  io.stdout(renderEntryText(entry));
  return 0;
}

/** `kb spec-sections`: regenerates knowledge/spec-sections.json from a spec checkout. */
async function specSections(values: KbOptions, io: CliIO): Promise<number> {
  if (!values.spec) throw new UsageError('kb spec-sections needs --spec DIR (a virtio spec checkout)');
  const dir = values.dir ?? BUILTIN_KNOWLEDGE;
  const { entries } = compileSources(readSources(dir));
  const { index } = await (await import('../../knowledge/lint.js')).loadSpec(values.spec);
  const cat = await import('../../spec/section-catalogue.js');
  const { catalogue, unresolved } = cat.buildSectionCatalogue(index, cat.citedSpecLabels(entries));
  const changes = cat.compareCatalogues(cat.readCatalogue(dir), catalogue);
  const show = (s: { number: string; title: string }) => `§${s.number} ${s.title}`;
  for (const l of changes.added) io.stdout(`+ ${l}: ${show(catalogue.sections[l]!)}\n`);
  for (const c of changes.changed) io.stdout(`~ ${c.label}: ${show(c.from)} -> ${show(c.to)}\n`);
  for (const l of changes.removed) io.stdout(`- ${l}\n`);
  if (changes.version) io.stdout(`~ specVersion: ${changes.version.from} -> ${changes.version.to}\n`);
  for (const l of unresolved) io.stdout(`! ${l}: not a section of the specification in ${values.spec} (kb lint --spec reports it)\n`);
  const file = join(dir, cat.SECTION_CATALOGUE_FILE);
  const counts = `${Object.keys(catalogue.sections).length} sections (${changes.added.length} added, ${changes.changed.length} changed, ${changes.removed.length} removed)`;
  if (cat.isUnchanged(changes)) io.stdout(`${file}: up to date, ${counts}\n`);
  else if (values.write) {
    (await import('../../io/atomic-write.js')).writeOutputAtomic(file, cat.serializeCatalogue(catalogue));
    io.stdout(`${file}: written, ${counts}\n`);
  } else io.stdout(`${file}: out of date, ${counts}; run with --write to update it\n`);
  return 0;
}

async function lint(values: KbOptions, io: CliIO): Promise<number> {
  const { lintKnowledge, countByCheck } = await import('../../knowledge/lint.js');
  const report = await lintKnowledge(values.dir ?? BUILTIN_KNOWLEDGE, { corpus: values.corpus, spec: values.spec, docs: values.docs, trees: values.tree });
  const byCheck = countByCheck(report.problems);
  if (values.format === 'json') {
    io.stdout(JSON.stringify({ entries: report.entries, problems: report.problems, byCheck, resolvedLoreCitations: report.resolvedLoreCitations }, null, 2) + '\n');
  } else {
    for (const p of report.problems) io.stdout(`knowledge/${p.file}: ${p.field ? p.field + ': ' : ''}${p.message}\n`);
    const cites = values.corpus ? `, ${report.resolvedLoreCitations} cite a list discussion found in the corpus` : '';
    const kinds = Object.entries(byCheck).map(([k, n]) => `${n} ${k}`).join(', ');
    io.stdout(`${report.entries} entries, ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}${kinds ? ` (${kinds})` : ''}${cites}\n`);
  }
  return report.problems.length > 0 ? 1 : 0;
}

async function coverage(values: KbOptions, io: CliIO): Promise<number> {
  if (!values.headers) throw new UsageError('kb coverage needs --headers DIR (e.g. /usr/include/linux)');
  if (!existsSync(values.headers)) throw new InputError(values.headers, 'header directory does not exist');
  const scope = await import('../../knowledge/scope.js');
  const names = scope.scopeFromHeaders(values.headers);
  if (values.vhostUser) {
    if (!existsSync(values.vhostUser)) throw new InputError(values.vhostUser, 'no such file');
    const { indexVhostUser } = await import('../../spec/vhost-user.js');
    names.push(...scope.scopeFromVhostUser(indexVhostUser(values.vhostUser)));
  }
  if (values.iommufd && !names.some((n) => n.area === 'iommufd')) {
    if (!existsSync(values.iommufd)) throw new InputError(values.iommufd, 'no such file');
    names.push(...scope.scopeFromIommufdDoc(values.iommufd));
  }
  if (names.length === 0) throw new InputError(values.headers, 'no virtualization uAPI headers found (vhost.h, vfio.h, virtio_config.h, …)');
  const kb = await loadKnowledge(values.knowledge ?? []);
  const coveredBy = new Map<string, string[]>();
  for (const e of kb.entries) for (const s of e.symbols) coveredBy.set(s, [...(coveredBy.get(s) ?? []), e.id]);
  const byArea: Record<string, { total: number; covered: number }> = {};
  const missing: string[] = [];
  for (const n of names) {
    const a = (byArea[n.area] ??= { total: 0, covered: 0 });
    a.total++;
    if (coveredBy.has(n.name)) a.covered++;
    else missing.push(n.name);
  }
  const covered = names.length - missing.length;
  if (values.format === 'json') {
    io.stdout(JSON.stringify({ total: names.length, covered, missing, byArea, entries: Object.fromEntries(names.map((n) => [n.name, coveredBy.get(n.name) ?? []])) }, null, 2) + '\n');
  } else {
    for (const [area, a] of Object.entries(byArea)) io.stdout(`${area.padEnd(12)} ${a.covered}/${a.total}\n`);
    if (missing.length) io.stdout(`missing: ${missing.join(' ')}\n`);
    io.stdout(`${covered}/${names.length} names covered (${((100 * covered) / names.length).toFixed(1)}%)\n`);
  }
  return 0;
}
