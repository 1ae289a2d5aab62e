// A reply to the patch mail that a maintainer can send as it is (git send-email, or a mail
// client's "resend"): threaded under the patch, the hunks that raised findings quoted with
// "> ", each finding written under the line it concerns, then the checklists and references.
// One message per patch with findings, as an mbox. Everything taken from the patch is kept out
// of the header structure (no line breaks, RFC 2047 for non-ASCII) and quoted in the body.
import type { FormatterFactory, FormatContext } from './formatter.js';
import type { Finding } from '../model/finding.js';
import type { DiffLine, FileDiff, Hunk } from '../model/diff.js';
import type { PatchReport } from '../model/report.js';
import { ruleLink, location } from './common.js';
import { ruleOf, wrap as wrapLine } from './layout.js';

/** What a comment needs beside the finding: the rule's text and the site's address. */
type RuleContext = Pick<FormatContext, 'siteUrl' | 'rulesMeta'>;
import { bareAddress } from '../ingest/address-list.js';

const WIDTH = 72;
/** Lines of the hunk quoted before and after the lines that carry findings. */
const CONTEXT_BEFORE = 6;
const CONTEXT_AFTER = 3;
/** RFC 5322: no line may exceed 998 octets; past that the body goes quoted-printable. */
const MAX_LINE_OCTETS = 998;
export const MBOX_FROM_LINE = 'From patch-review Mon Sep 17 00:00:00 2001';

/** Where a finding sits in the diff: a hunk and the index of its line, or just the file. */
export interface Placement {
  file: FileDiff;
  hunk: number | null;
  line: number | null;
}

export function locateFinding(files: FileDiff[], f: Finding): Placement | null {
  if (f.file === null) return null;
  const file = files.find((d) => d.path === f.file);
  if (!file) return null;
  if (f.line !== null) {
    for (let h = 0; h < file.hunks.length; h++) {
      const i = file.hunks[h]!.lines.findIndex((l) => l.newLine === f.line && l.kind !== '-');
      if (i >= 0) return { file, hunk: h, line: i };
    }
  }
  return { file, hunk: null, line: null };
}

/** Header-safe text: no control characters (so no header can be injected), whitespace collapsed. */
export function headerText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * RFC 2047 encoded words (UTF-8, base64) of at most 36 bytes of text (60 characters), so that a
 * folded line stays within 78 columns even after "Subject: "; a character is never split.
 */
export function encodeWords(s: string): string[] {
  const words: string[] = [];
  let chunk = '';
  for (const ch of s) {
    if (Buffer.byteLength(chunk + ch) > 36) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`);
}

/** One header field, folded at 78 columns; non-ASCII text becomes encoded words. */
export function headerField(name: string, value: string): string {
  const clean = headerText(value);
  const tokens = /^[\x20-\x7e]*$/.test(clean) ? clean.split(' ') : encodeWords(clean);
  const lines: string[] = [];
  let cur = `${name}:`;
  for (const t of tokens) {
    if (cur.length + 1 + t.length > 78 && cur !== `${name}:`) {
      lines.push(cur);
      cur = ` ${t}`;
    } else cur += ` ${t}`;
  }
  lines.push(cur);
  return lines.join('\n');
}

const MSG_ID = /^[^\s<>()@",;:\\[\]]+@[^\s<>()@",;:\\[\]]+$/;

/** "Name <addr>" with the name encoded when needed; null when the author is not an address. */
export function addressField(author: string): string | null {
  const m = /^(.*?)\s*<([^<>\s@]+@[^<>\s@]+)>$/.exec(headerText(author));
  const bare = /^[^<>\s@]+@[^<>\s@]+$/.exec(headerText(author));
  if (!m && !bare) return null;
  if (!m) return bare![0];
  const name = m[1]!.replace(/^"(.*)"$/, '$1');
  if (!name) return `<${m[2]}>`;
  const display = /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '')}"` : encodeWords(name).join(' ');
  return `${display} <${m[2]}>`;
}

/** The original To and Cc, without the author and without repeats, as header-safe entries. */
export function replyCc(author: string, recipients: string[]): string[] {
  const seen = new Set<string>([bareAddress(author)]);
  const out: string[] = [];
  for (const r of recipients) {
    const key = bareAddress(r);
    if (seen.has(key)) continue;
    seen.add(key);
    const field = addressField(r);
    if (field) out.push(field);
  }
  return out;
}

/** Wraps prose at WIDTH columns, paragraph by paragraph, with an indent on every line. */
export function wrap(text: string, indent = ''): string[] {
  return text.split('\n').flatMap((para) => wrapLine(para, WIDTH, indent, indent).map((l) => l.trimEnd()));
}

/** Our own (unquoted) lines must never look like the start of a diff or a new mbox message. */
export function safeBodyLine(line: string): string {
  return /^(diff |--- |\+\+\+ |@@ |Index: |From |---$)/.test(line) ? ` ${line}` : line;
}

function comment(f: Finding, ctx: RuleContext): string[] {
  const rule = ruleOf(ctx.rulesMeta, f);
  const head = `${f.severity.toUpperCase()} [${f.ruleId}] ${rule.title}`;
  const out = wrap(head);
  if (f.acknowledged) out.push(...wrap(`(acknowledged in the patch: ${f.acknowledged.reason})`));
  const link = ruleLink(ctx.siteUrl, rule);
  out.push(...wrap(f.message), ...(link ? [`See ${link}`] : []));
  return out;
}

function quote(l: DiffLine): string {
  return `> ${l.kind}${l.text}`;
}

function hunkHeader(h: Hunk): string {
  return `> @@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@${h.section ? ` ${h.section}` : ''}`;
}

/** The hunk, trimmed to the lines around its findings, each finding written under its line. */
function quoteHunk(h: Hunk, notes: Map<number, Finding[]>, ctx: RuleContext): string[] {
  const at = [...notes.keys()].sort((a, b) => a - b);
  const from = Math.max(0, at[0]! - CONTEXT_BEFORE);
  const to = Math.min(h.lines.length - 1, at[at.length - 1]! + CONTEXT_AFTER);
  const out = [hunkHeader(h)];
  if (from > 0) out.push('[...]');
  for (let i = from; i <= to; i++) {
    out.push(quote(h.lines[i]!));
    const here = notes.get(i);
    if (here) out.push('', ...here.flatMap((f) => [...comment(f, ctx), '']));
  }
  if (to < h.lines.length - 1) out.push('[...]');
  return out;
}

function quotedDiff(r: PatchReport, ctx: RuleContext): { general: Finding[]; lines: string[] } {
  const general: Finding[] = [];
  const perFile = new Map<FileDiff, { top: Finding[]; hunks: Map<number, Map<number, Finding[]>> }>();
  for (const f of r.findings) {
    const p = locateFinding(r.files, f);
    if (!p) {
      general.push(f);
      continue;
    }
    let slot = perFile.get(p.file);
    if (!slot) perFile.set(p.file, (slot = { top: [], hunks: new Map() }));
    if (p.hunk === null || p.line === null) slot.top.push(f);
    else {
      const lines = slot.hunks.get(p.hunk) ?? new Map<number, Finding[]>();
      lines.set(p.line, [...(lines.get(p.line) ?? []), f]);
      slot.hunks.set(p.hunk, lines);
    }
  }
  const lines: string[] = [];
  for (const file of r.files) {
    const slot = perFile.get(file);
    if (!slot) continue;
    lines.push(`> --- ${file.oldPath ? `a/${file.oldPath}` : '/dev/null'}`, `> +++ ${file.newPath ? `b/${file.newPath}` : '/dev/null'}`);
    if (slot.top.length) lines.push('', ...slot.top.flatMap((f) => [...comment(f, ctx), '']));
    for (const h of [...slot.hunks.keys()].sort((a, b) => a - b)) lines.push(...quoteHunk(file.hunks[h]!, slot.hunks.get(h)!, ctx));
    lines.push('');
  }
  return { general, lines };
}

function checklistAndReferences(findings: Finding[], meta: FormatContext['rulesMeta']): string[] {
  const out: string[] = ['Review checklist', '----------------'];
  const seen = new Set<string>();
  const refs = new Map<string, string>();
  for (const f of findings) {
    if (seen.has(f.ruleId)) continue;
    seen.add(f.ruleId);
    const rule = ruleOf(meta, f);
    out.push('', ...wrap(`${f.ruleId} (${location(f)}):`));
    for (const q of rule.checklist) {
      const [first, ...rest] = wrap(q, '        ');
      out.push(`  - [ ] ${first!.trimStart()}`, ...rest);
    }
    for (const ref of rule.references) if (!refs.has(ref.url)) refs.set(ref.url, ref.title ?? ref.id);
  }
  if (refs.size > 0) {
    out.push('', 'References', '----------', '');
    let n = 0;
    for (const [url, title] of refs) {
      n++;
      out.push(...wrap(`[${n}] ${title}`), `    ${url}`);
    }
  }
  return out;
}

/** Quoted-printable (RFC 2045), used only when a line is too long to go as 8bit. */
export function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let enc = '';
    const bytes = Buffer.from(line, 'utf8');
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      const last = i === bytes.length - 1;
      // "From " at a line start would end the message in an mbox: escape its "F".
      const fromLine = i === 0 && line.startsWith('From ');
      const plain = !fromLine && ((b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last));
      enc += plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    // Soft breaks every 75 characters, never inside an =XX escape.
    while (enc.length > 76) {
      let cut = 75;
      const eq = enc.lastIndexOf('=', cut);
      if (eq > cut - 3) cut = eq;
      out.push(enc.slice(0, cut) + '=');
      enc = enc.slice(cut);
    }
    out.push(enc);
  }
  return out.join('\n');
}

export function replyMail(r: PatchReport, ctx: FormatContext): string {
  const p = r.patch;
  const subject = headerText(p.rawSubject || p.subject || '(no subject)');
  const headers = [headerField('Subject', /^re:/i.test(subject) ? subject : `Re: ${subject}`)];
  // A reply to all: the author, and everyone the patch went to (lists included) on Cc.
  const to = addressField(p.author);
  if (to) headers.push(headerField('To', to));
  const cc = replyCc(p.author, [...(p.to ?? []), ...(p.cc ?? [])]);
  if (cc.length > 0) headers.push(headerField('Cc', cc.join(', ')));
  const msgId = p.messageId && MSG_ID.test(p.messageId) ? p.messageId : null;
  if (msgId) {
    headers.push(`In-Reply-To: <${msgId}>`);
    const refs = [...new Set([...p.references.filter((x) => MSG_ID.test(x)), msgId])];
    headers.push(headerField('References', refs.map((x) => `<${x}>`).join(' ')));
  }
  const { general, lines } = quotedDiff(r, ctx);
  const body: string[] = [];
  const who = headerText(p.author) || 'the author';
  body.push(...wrap(p.date ? `On ${headerText(p.date)}, ${who} wrote:` : `${who} wrote:`), '');
  if (!msgId) body.push(...wrap('(The patch had no Message-ID: add In-Reply-To by hand to thread this reply.)'), '');
  for (const f of general) body.push(...comment(f, ctx), '');
  body.push(...lines, ...checklistAndReferences(r.findings, ctx.rulesMeta), '', '-- ', `${ctx.tool.name} ${ctx.tool.version}`);
  const text = body.map((l) => (l.startsWith('> ') ? l : safeBodyLine(l))).join('\n') + '\n';
  const long = text.split('\n').some((l) => Buffer.byteLength(l) > MAX_LINE_OCTETS);
  headers.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', `Content-Transfer-Encoding: ${long ? 'quoted-printable' : '8bit'}`);
  // mboxrd: a body line that starts like a message separator gets one more ">".
  const payload = long ? quotedPrintable(text) : text.replace(/^(>*From )/gm, '>$1');
  return `${headers.join('\n')}\n\n${payload}`;
}

export const emailFormatter: FormatterFactory = (ctx) => ({
  begin: () => '',
  patch: (r) => (r.findings.length === 0 ? '' : `${MBOX_FROM_LINE}\n${replyMail(r, ctx)}\n`),
  end: () => '',
});
