// Page data for the templates: plain objects with every value still raw text (the templates
// escape it), plus hrefs relative to the page. Only Markdown bodies arrive as HTML, rendered
// and escaped by markdown.ts.
import type { Entry } from '../knowledge/entry.js';
import { resolveReference, referenceUrl } from '../knowledge/entry.js';
import type { Trigger } from '../knowledge/schema.js';
import type { PatchReport } from '../model/report.js';
import { SEVERITIES, SEVERITY_RANK } from '../model/finding.js';
import { location, patchTitle } from '../report/common.js';
import type { EntryDates } from './dates.js';
import type { ExampleReview } from './examples.js';
import type { HeaderDefinition, HeaderFacts, IoctlFacts } from './header-facts.js';
import { safeHref } from './html.js';
import { AREA_LABELS, AREA_ORDER, CATEGORY_LABELS, KIND_LABELS, REFERENCE_LABELS, areaName } from './labels.js';
import { linkSymbols, type RenderedMarkdown } from './markdown.js';
import type { Matrix } from './matrix.js';
import { familyOf } from './matrix.js';
import type { SiteSymbol } from './symbols.js';
import type { IndexedUse } from '../consumers/types.js';

export const paths = {
  home: 'index.html',
  entries: 'entries/index.html',
  entry: (id: string) => `entries/${id}.html`,
  area: (a: string) => `areas/${a}.html`,
  symbols: 'symbols/index.html',
  symbol: (s: SiteSymbol) => `symbols/${s.slug}.html`,
  matrix: 'matrix.html',
  search: 'search.html',
  examples: 'examples/index.html',
  example: (slug: string) => `examples/${slug}.html`,
};

export interface SiteModel {
  entries: Entry[];
  byId: Map<string, Entry>;
  dates: Map<string, EntryDates>;
  bodies: Map<string, RenderedMarkdown>;
  symbols: Map<string, SiteSymbol>;
  matrix: Matrix;
  examples: ExampleReview[];
  headers: HeaderFacts | null;
  vhostUserFile: string | null;
  /** Use sites per symbol from a consumers index (site build --consumers), or null. */
  users?: Map<string, IndexedUse[]> | null;
}

/** "" for pages at the site root, "../" one level down. */
export function rootOf(path: string): string {
  return '../'.repeat(path.split('/').length - 1);
}

/** Most severe first, then by title. */
export function sortEntries(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.title.localeCompare(b.title));
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function entryCard(m: SiteModel, e: Entry, root: string) {
  const d = m.dates.get(e.id);
  return {
    title: e.title,
    href: root + paths.entry(e.id),
    severity: e.severity,
    areaName: areaName(e.area),
    categoryLabel: CATEGORY_LABELS[e.category],
    summary: e.summary,
    updated: d ? d.updated.toISOString() : '',
    updatedText: d && d.updated.getTime() > 0 ? day(d.updated) : '',
  };
}

export function areasWithEntries(m: SiteModel) {
  const known = new Set<string>(AREA_ORDER);
  const order = [...AREA_ORDER, ...new Set(m.entries.map((e) => e.area).filter((a) => !known.has(a)))];
  return order
    .map((a) => ({ id: a, entries: sortEntries(m.entries.filter((e) => e.area === a)) }))
    .filter((a) => a.entries.length > 0);
}

export function homeView(m: SiteModel) {
  const root = '';
  const recent = [...m.entries]
    .sort((a, b) => (m.dates.get(b.id)?.updated.getTime() ?? 0) - (m.dates.get(a.id)?.updated.getTime() ?? 0) || a.title.localeCompare(b.title))
    .slice(0, 8);
  return {
    entryCount: m.entries.length,
    symbolCount: m.symbols.size,
    matrixRows: m.matrix.rows.length,
    exampleCount: m.examples.length,
    areas: areasWithEntries(m).map((a) => ({
      name: areaName(a.id),
      blurb: (AREA_LABELS as Record<string, { blurb: string } | undefined>)[a.id]?.blurb ?? '',
      href: paths.area(a.id),
      count: a.entries.length,
    })),
    severe: sortEntries(m.entries.filter((e) => e.severity === 'error')).map((e) => entryCard(m, e, root)),
    recent: recent.map((e) => entryCard(m, e, root)),
  };
}

export function areaView(m: SiteModel, area: string, entries: Entry[]) {
  const root = rootOf(paths.area(area));
  return {
    name: areaName(area),
    blurb: (AREA_LABELS as Record<string, { blurb: string } | undefined>)[area]?.blurb ?? '',
    entries: entries.map((e) => entryCard(m, e, root)),
  };
}

export function entriesView(m: SiteModel) {
  const root = rootOf(paths.entries);
  return {
    count: m.entries.length,
    areas: areasWithEntries(m).map((a) => ({ id: a.id, name: areaName(a.id), href: root + paths.area(a.id), entries: a.entries.map((e) => entryCard(m, e, root)) })),
  };
}

function symbolHref(m: SiteModel, name: string, root: string): string | null {
  const s = m.symbols.get(name.replace(/^\./, '').replace(/\(\)$/, ''));
  return s ? root + paths.symbol(s) : null;
}

export function entryView(m: SiteModel, e: Entry) {
  const root = rootOf(paths.entry(e.id));
  const d = m.dates.get(e.id);
  return {
    id: e.id,
    title: e.title,
    severity: e.severity,
    areaName: areaName(e.area),
    areaHref: root + paths.area(e.area),
    categoryLabel: CATEGORY_LABELS[e.category],
    since: e.since ?? '',
    summary: e.summary,
    updated: d ? d.updated.toISOString() : '',
    updatedText: d && d.updated.getTime() > 0 ? day(d.updated) : '',
    symbols: e.symbols.map((name) => ({ name, href: symbolHref(m, name, root) })),
    bodyHtml: linkSymbols(m.bodies.get(e.id)?.html ?? '', (name) => symbolHref(m, name, root)),
    history: (e.history ?? []).map((h) => ({
      version: h.version,
      change: h.change,
      links: [
        ...(h.commit ? [{ href: referenceUrl('commit', h.commit), label: `commit ${h.commit.slice(0, 12)}` }] : []),
        ...(h.messageId ? [{ href: referenceUrl('lore', h.messageId), label: 'thread' }] : []),
      ],
    })),
    checklist: e.checklist,
    consumers: e.consumers,
    references: e.references.map((r) => {
      const ref = resolveReference(r);
      return {
        typeLabel: REFERENCE_LABELS[ref.type],
        href: safeHref(ref.url),
        text: ref.title ?? ref.id,
        detail: ref.title && ref.type !== 'url' ? ref.id : '',
      };
    }),
    related: (e.related ?? []).map((id) => {
      const r = m.byId.get(id);
      return r ? { title: r.title, href: root + paths.entry(id) } : { title: id, href: '' };
    }),
    triggers: triggerViews(e),
  };
}

function triggerViews(e: Entry) {
  const explicit = e.triggers && e.triggers.length > 0;
  if (!explicit) {
    // The matcher caps an entry without explicit triggers at warning.
    const severity = e.severity === 'error' ? 'warning' : e.severity;
    return [{ severity, conditions: [{ label: 'a patch touches any of', values: e.symbols }] }];
  }
  return e.triggers!.map((t: Trigger) => {
    const c: { label: string; values: string[] }[] = [];
    if (t.symbols?.length) c.push({ label: 'a patch touches', values: t.symbols });
    if (t.symbolPatterns?.length) c.push({ label: 'a symbol matching', values: t.symbolPatterns.map((p) => `/${p}/`) });
    if (t.facts?.length) c.push({ label: 'as', values: t.facts });
    if (t.files?.length) c.push({ label: 'in', values: t.files });
    if (t.notFiles?.length) c.push({ label: 'not in', values: t.notFiles });
    if (t.lines?.length) c.push({ label: 'on a changed line matching', values: t.lines.map((p) => `/${p}/`) });
    if (t.functions?.length) c.push({ label: 'in a function matching', values: t.functions.map((p) => `/${p}/`) });
    return { severity: t.severity ?? e.severity, conditions: c };
  });
}

// ——— symbols ———

interface FactRow {
  label: string;
  value: string;
  code?: boolean;
  href?: string | null;
  note?: string;
}

const hex = (n: number, width = 0) => `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;

const DIRECTION_TEXT: Record<IoctlFacts['direction'], string> = {
  none: 'none: no argument is copied by the ioctl layer',
  write: 'write: userspace passes the argument to the kernel',
  read: 'read: the kernel fills the argument in',
  'read-write': 'read and write: the argument goes in and comes back',
};

function headerRows(m: SiteModel, s: SiteSymbol, h: HeaderDefinition, root: string): FactRow[] {
  const rows: FactRow[] = [];
  const facts = m.headers!;
  if (h.ioctl) {
    const io = h.ioctl;
    rows.push({ label: 'Encoded as', value: h.expr ?? '', code: true });
    rows.push({ label: 'Type (magic)', value: io.type.expr, code: true, href: symbolHref(m, io.type.expr, root), note: io.type.value !== null ? `= ${hex(io.type.value, 2)}` : '' });
    rows.push({ label: 'Number', value: io.nr.value !== null ? hex(io.nr.value, 2) : io.nr.expr, code: true, note: io.nr.value !== null && io.nr.expr !== hex(io.nr.value, 2) && !/^0x/i.test(io.nr.expr) ? `(${io.nr.expr})` : '' });
    rows.push({ label: 'Direction', value: DIRECTION_TEXT[io.direction] });
    if (io.argument) rows.push({ label: 'Argument', value: io.argument, code: true, href: symbolHref(m, io.argument.replace(/^(struct|union)\s+/, ''), root) });
    if (io.documentedAs && io.documentedAs.macro !== io.macro) {
      rows.push({
        label: 'Documented as',
        value: `${io.documentedAs.macro}${io.documentedAs.argument ? ` with ${io.documentedAs.argument}` : ''}`,
        code: true,
        note: 'the header comment gives this direction and argument; the number itself is encoded with plain _IO, so it carries neither',
      });
    }
    if (io.request !== null) rows.push({ label: 'Request number', value: hex(io.request, 8), code: true, note: 'asm-generic layout (x86, arm64, riscv, s390); powerpc, mips and sparc encode the direction differently' });
  } else if (h.what === 'struct' || h.what === 'union') {
    rows.push({ label: 'Kind', value: `${h.what} ${h.name}`, code: true });
  } else {
    const alias = h.expr && /^[A-Za-z_][A-Za-z0-9_]*$/.test(h.expr) && facts.definitions.has(h.expr) ? h.expr : null;
    if (alias) rows.push({ label: 'Alias of', value: alias, code: true, href: symbolHref(m, alias, root) });
    else if (h.what === 'define' && h.expr) rows.push({ label: 'Defined as', value: h.expr, code: true });
    if (h.what === 'enum-member') rows.push({ label: 'Enum', value: h.enumName ? `enum ${h.enumName}` : 'anonymous enum', code: true });
    if (h.value !== undefined && h.value !== null) {
      const isBit = s.kind === 'feature-bit' || s.kind === 'protocol-feature' || familyOf(s.name) !== undefined;
      if (isBit && h.value >= 0 && h.value < 128) {
        rows.push({ label: 'Bit number', value: String(h.value), note: h.value < 64 ? `mask 1ULL << ${h.value} = ${hex(2 ** h.value)}` : 'beyond the first 64 feature bits' });
      } else rows.push({ label: 'Value', value: h.value < 0 ? String(h.value) : `${h.value} (${hex(h.value)})` });
    }
  }
  rows.push({
    label: 'Defined in',
    value: `linux/${h.header}`,
    code: true,
    href: `https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/include/uapi/linux/${h.header}`,
    note: `line ${h.line} of the installed headers${facts.linuxVersion ? ` (${facts.linuxVersion})` : ''}`,
  });
  return rows;
}

const REPLY_TEXT: Record<string, string> = {
  true: 'always: the back-end sends a reply',
  false: 'no reply',
  conditional: 'only under a condition',
  'if-need-reply': 'only when the front-end sets the NEED_REPLY flag (with REPLY_ACK negotiated)',
  disputed: 'unclear: the document says both (see the vhost-user notes)',
};

const VHOST_USER_DOC = 'https://www.qemu.org/docs/master/interop/vhost-user.html';

function vhostUserRows(m: SiteModel, s: SiteSymbol, root: string): FactRow[] {
  const rows: FactRow[] = [];
  const msg = s.message;
  if (msg) {
    if (s.previousNameOf) rows.push({ label: 'Renamed to', value: s.previousNameOf, code: true, href: symbolHref(m, s.previousNameOf, root) });
    rows.push({ label: 'Message id', value: String(msg.id) });
    rows.push({ label: 'Sent by', value: msg.direction === 'front-end' ? 'the front-end (VMM) to the back-end' : 'the back-end to the front-end (on the back-end channel)' });
    rows.push({ label: 'Request payload', value: msg.requestPayload ?? 'none' });
    rows.push({ label: 'Reply payload', value: msg.replyPayload ?? 'none' });
    rows.push({ label: 'Reply', value: REPLY_TEXT[String(msg.replyRequired)] ?? String(msg.replyRequired), note: msg.replyCondition ? `condition: ${msg.replyCondition}` : '' });
    if (msg.sendsFds) rows.push({ label: 'File descriptors', value: msg.sendsFds === true ? 'sent with the message' : 'sent with the message under a condition' });
    if (msg.equivalentIoctl) rows.push({ label: 'Equivalent ioctl', value: msg.equivalentIoctl, code: true, href: symbolHref(m, msg.equivalentIoctl, root) });
    if (msg.previousNames.length) rows.push({ label: 'Earlier names', value: msg.previousNames.join(', '), code: true });
    if (msg.deprecated) rows.push({ label: 'Status', value: 'deprecated' });
    rows.push({ label: 'Defined in', value: 'docs/interop/vhost-user.rst', code: true, href: VHOST_USER_DOC, note: `line ${msg.line} of the document this site was built from` });
  } else if (s.protocolFeature) {
    const f = s.protocolFeature;
    rows.push({ label: 'Bit number', value: String(f.bit), note: f.bit < 64 ? `mask 1ULL << ${f.bit} = ${hex(2 ** f.bit)}` : '' });
    rows.push({ label: 'Defined in', value: 'docs/interop/vhost-user.rst', code: true, href: VHOST_USER_DOC, note: `line ${f.line} of the document this site was built from` });
  }
  return rows;
}

export function symbolView(m: SiteModel, s: SiteSymbol) {
  const root = rootOf(paths.symbol(s));
  const facts: { heading: string; rows: FactRow[] }[] = [];
  if (s.header && m.headers) facts.push({ heading: 'In the uAPI headers', rows: headerRows(m, s, s.header, root) });
  if (s.message || s.protocolFeature) facts.push({ heading: 'In the vhost-user protocol', rows: vhostUserRows(m, s, root) });
  const fam = familyOf(s.name);
  if (fam) {
    facts.push({
      heading: 'Negotiation',
      rows: [
        { label: 'Family', value: fam.name },
        { label: 'Negotiated through', value: fam.negotiation.text },
        ...fam.negotiation.via.filter((n) => n !== s.name && m.symbols.has(n)).map((n) => ({ label: 'See', value: n, code: true, href: symbolHref(m, n, root) })),
        ...(m.matrix.rows.some((r) => r.bit === s.name) ? [{ label: 'Versions', value: 'see the compatibility matrix', href: `${root}${paths.matrix}#bit-${s.name}` }] : []),
      ],
    });
  }
  return {
    name: s.name,
    kindLabel: KIND_LABELS[s.kind],
    areaName: s.area ? areaName(s.area) : '',
    areaHref: s.area && m.entries.some((e) => e.area === s.area) ? root + paths.area(s.area) : '',
    isKernel: s.kind === 'kernel' || s.kind === 'op',
    facts,
    entries: s.entries.map((e) => entryCard(m, e, root)),
    related: s.related.map((n) => ({ name: n, href: symbolHref(m, n, root), kindLabel: KIND_LABELS[m.symbols.get(n)!.kind] })),
    haveUsers: !!m.users,
    users: usersView(m, s.name),
  };
}

/** The consumers index's use sites of a symbol, by project (a struct is indexed as "struct NAME"). */
function usersView(m: SiteModel, name: string) {
  const uses = m.users?.get(name) ?? m.users?.get(`struct ${name}`) ?? [];
  const byProject = new Map<string, IndexedUse[]>();
  for (const u of uses) {
    const key = `${u.project} ${u.version}`;
    const list = byProject.get(key);
    if (list) list.push(u);
    else byProject.set(key, [u]);
  }
  return [...byProject].map(([project, list]) => ({
    project,
    uses: list.map((u) => ({ where: `${u.file}:${u.line}`, function: u.function ?? '', kind: u.kind, detail: u.detail, pattern: u.pattern ? `${u.pattern}${u.patternDetail ? `: ${u.patternDetail}` : ''}` : '' })),
  }));
}

export function symbolsIndexView(m: SiteModel) {
  const root = rootOf(paths.symbols);
  const groups = new Map<string, SiteSymbol[]>();
  for (const s of m.symbols.values()) {
    const c = s.name.replace(/^_+/, '').charAt(0).toUpperCase();
    const letter = /[A-Z]/.test(c) ? c : '#';
    const g = groups.get(letter);
    if (g) g.push(s);
    else groups.set(letter, [s]);
  }
  const letters = [...groups.keys()].sort((a, b) => (a === '#' ? 1 : b === '#' ? -1 : a.localeCompare(b)));
  const covered = [...m.symbols.values()].filter((s) => s.entries.length > 0).length;
  return {
    count: m.symbols.size,
    coveredCount: covered,
    uncoveredCount: m.symbols.size - covered,
    haveVhostUser: m.vhostUserFile !== null,
    letters: letters.map((l) => ({
      letter: l,
      id: l === '#' ? 'other' : l.toLowerCase(),
      symbols: groups
        .get(l)!
        .sort((a, b) => a.name.replace(/^_+/, '').toLowerCase().localeCompare(b.name.replace(/^_+/, '').toLowerCase()) || a.name.localeCompare(b.name))
        .map((s) => ({ name: s.name, href: root + paths.symbol(s), kindLabel: KIND_LABELS[s.kind], count: s.entries.length })),
    })),
  };
}

export function matrixView(m: SiteModel) {
  const root = rootOf(paths.matrix);
  const evView = (ev: Matrix['rows'][number]['events'][number]) => ({
    kind: ev.kind,
    label: ev.kind === 'introduced' ? 'added' : 'changed',
    version: ev.version,
    change: ev.change,
    href: `${root}${paths.entry(ev.entry.id)}#history`,
    entryTitle: ev.entry.title,
  });
  return {
    entryCount: m.entries.length,
    columns: m.matrix.columns,
    rows: m.matrix.rows.map((r) => ({
      bit: r.bit,
      href: symbolHref(m, r.bit, root),
      family: r.family,
      negotiation: r.negotiation.text,
      negotiationShort: r.negotiation.short,
      via: r.negotiation.via.map((name) => ({ name, href: symbolHref(m, name, root) })),
      cells: r.cells.map((c) => c.map(evView)),
      events: r.events.map(evView),
    })),
    withoutHistory: m.matrix.withoutHistory.map((name) => ({ name, href: symbolHref(m, name, root) })),
  };
}

// ——— example reviews ———

function severityCounts(findings: PatchReport['findings']) {
  return SEVERITIES.map((severity) => ({ severity, count: findings.filter((f) => f.severity === severity && !f.acknowledged).length })).filter((c) => c.count > 0);
}

const MAX_DIFF_LINES = 4000;

function diffLines(diff: string) {
  const lines = diff.replace(/\n$/, '').split('\n');
  const out = lines.slice(0, MAX_DIFF_LINES).map((text) => ({
    text,
    cls: /^(diff --git |--- |\+\+\+ )/.test(text) ? 'file' : text.startsWith('@@') ? 'hunk' : text.startsWith('+') ? 'add' : text.startsWith('-') ? 'del' : 'ctx',
  }));
  if (lines.length > MAX_DIFF_LINES) out.push({ text: `… ${lines.length - MAX_DIFF_LINES} more lines`, cls: 'hunk' });
  return out;
}

export function examplesView(m: SiteModel) {
  const root = rootOf(paths.examples);
  return {
    reviews: m.examples.map((r) => ({
      href: root + paths.example(r.slug),
      file: r.file,
      title: patchTitle(r.reports[0]!.patch),
      patches: r.reports.length,
      counts: severityCounts(r.reports.flatMap((p) => p.findings)),
    })),
  };
}

export function exampleView(m: SiteModel, r: ExampleReview) {
  const root = rootOf(paths.example(r.slug));
  return {
    file: r.file,
    reports: r.reports.map((p) => ({
      title: patchTitle(p.patch),
      author: p.patch.author,
      date: p.patch.date,
      fileCount: p.files.length,
      counts: severityCounts(p.findings),
      findings: p.findings.map((f) => ({
        severity: f.severity,
        // The rule's text from its entry (a finding names its rule by id).
        title: m.byId.get(f.ruleId)?.title ?? f.ruleId,
        href: m.byId.has(f.ruleId) ? root + paths.entry(f.ruleId) : '',
        location: location(f),
        ruleId: f.ruleId,
        categoryLabel: CATEGORY_LABELS[f.category] ?? f.category,
        compatClass: f.compatClass ?? '',
        acknowledged: f.acknowledged?.reason ?? '',
        message: f.message,
        checklist: m.byId.get(f.ruleId)?.checklist ?? [],
      })),
      commitMessage: p.patch.commitMessage.trim(),
      diff: diffLines(p.patch.diff),
    })),
  };
}
