// `kb draft`: a knowledge-entry skeleton from an indexed thread. Everything the index knows as
// fact is filled in (symbols, files, participants, versions, outcome, citations by Message-ID);
// every sentence a person must write in their own words (summary, contract, checklist) is a
// TODO. No text of the thread itself goes into the draft: it is meant to become a repository file.
import type { InboxDb } from './store.js';
import { KIND_CODE, placeholders } from './store.js';
import { InputError } from '../model/errors.js';
import { AREAS, type Area } from '../knowledge/schema.js';
import type { Category } from '../model/finding.js';
import { summarizeThread, threadIdOf, bareMessageId, isoDate, loreUrl, type ThreadSummary } from './threads.js';
import { versionLabel } from './topics.js';
import { isBot } from './address.js';
import { outcomeText } from './render.js';

export interface DraftFacts {
  id: string;
  area: Area;
  category: Category;
  thread: ThreadSummary;
  symbols: string[];
  /** Symbols the replies named, with how many replies did. */
  discussed: { name: string; replies: number }[];
  files: string[];
  versions: { label: string; subject: string; date: string | null; messageId: string; replies: number; outcome: string }[];
  /** Everyone who wrote in any version's thread (robots left out). */
  participants: string[];
  references: { id: string; title: string }[];
}

const AREA_BY_PATH: [RegExp, Area][] = [
  [/(^|\/)vduse/, 'vduse'],
  [/^drivers\/vhost\/vdpa\.c|vhost[-_]vdpa/, 'vhost-vdpa'],
  [/^drivers\/vdpa\/|(^|\/)vdpa\.h$/, 'vdpa'],
  [/^drivers\/vhost\/vsock\.c|vhost[-_]vsock/, 'vhost-vsock'],
  [/^drivers\/vhost\/net\.c|vhost[-_]net/, 'vhost-net'],
  [/^drivers\/vhost\/scsi\.c|vhost[-_]scsi/, 'vhost-scsi'],
  [/vhost-user|libvhost-user/, 'vhost-user'],
  [/iommufd/, 'iommufd'],
  [/vfio/, 'vfio'],
  [/^drivers\/vhost\/|(^|\/)vhost(_types|_iotlb)?\.h$/, 'vhost'],
  [/virtio/, 'virtio'],
];

/** The area most of the thread's files belong to; on a tie the more specific one (earlier in AREA_BY_PATH). */
export function guessArea(files: string[]): Area {
  const votes = new Map<number, number>();
  for (const f of files) {
    const hit = AREA_BY_PATH.findIndex(([re]) => re.test(f));
    if (hit >= 0) votes.set(hit, (votes.get(hit) ?? 0) + 1);
  }
  const best = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  return best ? AREA_BY_PATH[best[0]]![1] : 'uapi-general';
}

/** A first guess from the words of the symbols and subject; the draft marks it for checking. */
export function guessCategory(words: string): Category {
  const w = words.toLowerCase();
  if (/reset|iotlb|map|unmap|dma|release|cleanup/.test(w)) return 'reset-and-mapping-lifecycle';
  if (/_f_|feature|negotiat/.test(w)) return 'feature-negotiation';
  if (/config/.test(w)) return 'config-space';
  if (/race|lock|order|barrier/.test(w)) return 'ordering-race';
  if (/ioctl|uapi|struct|abi/.test(w)) return 'uapi-abi';
  return 'behaviour-change-visible-to-userspace';
}

function slug(subject: string): string {
  const words = subject
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0 && !['a', 'an', 'the', 'of', 'for', 'to', 'in', 'on', 'and'].includes(w));
  return words.slice(0, 7).join('-') || 'draft';
}


export function draftFacts(inbox: InboxDb, given: string): DraftFacts {
  const messageId = bareMessageId(given);
  const thread = threadIdOf(inbox, messageId);
  if (thread === null) throw new InputError(messageId, 'no such message or thread in the index');
  const summary = summarizeThread(inbox, thread);
  const msgsOf = (threads: number[]) =>
    inbox.all<{ id: number; msgid: string; kind: number; topic: number | null; email: string | null; name: string | null }>(
      `SELECT m.id, m.msgid, m.kind, m.topic, p.email, p.name FROM messages m LEFT JOIN people p ON p.id = m.author WHERE m.thread IN (${placeholders(threads.length)})`,
      threads,
    );
  const own = msgsOf([thread]);

  // Every version of the work in this thread, wherever it was posted (a patch of the series
  // posted alone before is a version too).
  const topics = [...new Set(own.map((m) => m.topic).filter((t): t is number => t !== null))];
  const versionRows = topics.length
    ? inbox.all<{ thread: number; msgid: string; subject: string; version: number; rfc: number; kind: number; date: number | null }>(
        `SELECT thread, msgid, subject, version, rfc, kind, date FROM messages WHERE topic IN (${placeholders(topics.length)}) ORDER BY date, kind DESC, id`,
        topics,
      )
    : [];
  const firstPerThread = new Map<number, (typeof versionRows)[number]>();
  for (const r of versionRows) {
    const had = firstPerThread.get(r.thread);
    // The cover letter stands for its series.
    if (!had || (had.kind !== KIND_CODE.cover && r.kind === KIND_CODE.cover)) firstPerThread.set(r.thread, r);
  }
  const versions = [...firstPerThread.values()]
    .sort((a, b) => (a.date ?? 0) - (b.date ?? 0))
    .map((r) => {
      const t = r.thread === thread ? summary : summarizeThread(inbox, r.thread);
      return { label: versionLabel(r.version, r.rfc === 1), subject: r.subject, date: isoDate(r.date), messageId: r.msgid, replies: t.replies, outcome: outcomeText(t) };
    });

  // The patches of this thread; the review replies of all versions (not robots', not cover letters).
  const all = firstPerThread.size ? msgsOf([...new Set([thread, ...firstPerThread.keys()])]) : own;
  const patchIds = own.filter((m) => m.kind === KIND_CODE.patch).map((m) => m.id);
  const replyIds = all
    .filter((m) => m.kind === KIND_CODE.reply || m.kind === KIND_CODE.other)
    .filter((m) => !(m.email && isBot({ name: m.name ?? '', email: m.email })))
    .map((m) => m.id);

  const patchSyms = patchIds.length
    ? inbox.all<{ name: string; weight: number; df: number }>(
        `SELECT s.name, max(ps.weight) AS weight, s.patch_df + s.text_df AS df FROM patch_symbols ps JOIN symbols s ON s.id = ps.sym
          WHERE ps.msg IN (${placeholders(patchIds.length)}) GROUP BY s.id`,
        patchIds,
      )
    : [];
  const discussed = replyIds.length
    ? inbox.all<{ name: string; replies: number; df: number }>(
        `SELECT s.name, count(*) AS replies, s.patch_df + s.text_df AS df FROM mentions mn JOIN symbols s ON s.id = mn.sym
          WHERE mn.msg IN (${placeholders(replyIds.length)}) GROUP BY s.id ORDER BY replies DESC, df ASC LIMIT 15`,
        replyIds,
      )
    : [];
  const talked = new Map(discussed.map((d) => [d.name, d.replies]));
  // Changed in the patches and discussed in the replies first, then by strength and rarity.
  const symbols = patchSyms
    .filter((s) => s.weight >= 2 || talked.has(s.name))
    .sort((a, b) => (talked.get(b.name) ?? 0) - (talked.get(a.name) ?? 0) || b.weight - a.weight || a.df - b.df)
    .slice(0, 12)
    .map((s) => s.name);
  if (symbols.length === 0) symbols.push(...discussed.slice(0, 8).map((d) => d.name));

  const files = patchIds.length
    ? inbox
        .all<{ path: string }>(`SELECT DISTINCT f.path FROM patch_files pf JOIN files f ON f.id = pf.file WHERE pf.msg IN (${placeholders(patchIds.length)}) ORDER BY f.path`, patchIds)
        .map((r) => r.path)
    : [];

  const references: { id: string; title: string }[] = [];
  const cite = (id: string, title: string) => {
    if (loreUrl(id) && !references.some((r) => r.id === id)) references.push({ id, title });
  };
  for (const v of versions) cite(v.messageId, `[${v.label}] ${v.subject}`);
  if (versions.length === 0) cite(summary.root, summary.subject || `the thread (${summary.firstDate ?? 'undated'})`);
  for (const t of summary.trailers.filter((x) => x.kind === 'Nacked-by')) cite(t.messageId, `NAK by ${t.name}`);
  // The replies that named the symbols most: where the review happened.
  if (replyIds.length && symbols.length) {
    const top = inbox.all<{ msgid: string; n: number; date: number | null; who: string | null }>(
      `SELECT m.msgid, count(*) AS n, m.date, p.name AS who FROM mentions mn JOIN messages m ON m.id = mn.msg JOIN symbols s ON s.id = mn.sym
         LEFT JOIN people p ON p.id = m.author
        WHERE mn.msg IN (${placeholders(replyIds.length)}) AND s.name IN (${placeholders(symbols.length)}) GROUP BY m.id ORDER BY n DESC, m.date LIMIT 4`,
      [...replyIds, ...symbols],
    );
    for (const r of top) cite(r.msgid, `review reply by ${r.who ?? 'unknown'} (${isoDate(r.date) ?? 'undated'})`);
  }
  const people = new Map<string, string>();
  for (const m of all) if (m.email && !isBot({ name: m.name ?? '', email: m.email })) people.set(m.email, m.name ?? m.email);
  const area = guessArea(files);
  return {
    id: `${slug(summary.subject)}`,
    area,
    category: guessCategory(`${symbols.join(' ')} ${summary.subject}`),
    thread: summary,
    symbols,
    discussed: discussed.map((d) => ({ name: d.name, replies: d.replies })),
    files,
    versions,
    participants: [...people].map(([email, name]) => `${name} <${email}>`),
    references,
  };
}

const q = (s: string) => JSON.stringify(s);

/** The Markdown skeleton: frontmatter that validates against the schema, TODOs where a person writes. */
export function renderDraft(d: DraftFacts, db: string): string {
  const t = d.thread;
  const fm = [
    '---',
    `id: ${d.id}   # TODO: a short id of the behaviour (the file name must match)`,
    `title: ${q(`TODO: the behaviour in a few words (thread: ${t.subject})`)}`,
    `area: ${d.area}   # guessed from the files; one of ${AREAS.join(', ')}`,
    `category: ${d.category}   # TODO: check (guessed from the symbols)`,
    'severity: warning   # TODO: error if a change here breaks existing userspace or the ABI',
    `summary: ${q('TODO: one or two sentences, in your own words, on why a change here matters to userspace.')}`,
    'symbols:',
    ...(d.symbols.length ? d.symbols : ['TODO_SYMBOL']).map((s) => `  - ${q(s)}`),
    '# triggers: absent means any fact that touches one of the symbols; narrow them (knowledge/README.md)',
    'checklist:',
    `  - ${q('TODO: a question a reviewer should ask, in your own words?')}`,
    'consumers: ["any uAPI user"]   # TODO: who depends on this (QEMU, crosvm, DPDK, …)',
    'references:',
    ...d.references.flatMap((r) => ['  - type: lore', `    id: ${q(r.id)}`, `    title: ${q(r.title)}`]),
    '---',
  ];
  const body = [
    '',
    '## Contract',
    '',
    'TODO: the behaviour as userspace sees it today, in your own words, citing the references by Message-ID.',
    '',
    '## History',
    '',
    ...d.versions.map((v) => `- ${v.label} of "${v.subject}" posted ${v.date ?? 'undated'} (lore: ${v.messageId}): ${v.replies} repl${v.replies === 1 ? 'y' : 'ies'} in its thread; ${v.outcome}`),
    '- TODO: the release and commit that merged it.',
    '',
    '## Known breakages',
    '',
    'TODO',
    '',
    '## What userspace must do',
    '',
    'TODO',
    '',
    '## Reviewing a change',
    '',
    'TODO: why each checklist question matters.',
    '',
    `<!-- kb draft from ${t.root} (${db}). Facts for the author; delete this block:`,
    `thread: ${t.subject}, ${t.firstDate ?? 'undated'} to ${t.lastDate ?? 'undated'}, ${t.messages} messages, outcome: ${outcomeText(t)}`,
    `participants (all versions): ${d.participants.join(', ') || 'none'}`,
    `files: ${d.files.join(', ') || 'none'}`,
    `symbols discussed in replies (all versions): ${d.discussed.map((x) => `${x.name} (${x.replies})`).join(', ') || 'none'}`,
    '-->',
    '',
  ];
  return fm.join('\n') + '\n' + body.join('\n');
}
