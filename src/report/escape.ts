// Text that comes from a patch (subject, Message-ID, paths, waiver reasons, hunk lines) is
// printed to terminals, parsed line by line by b4 and pasted into Markdown: a control
// character in it could move the cursor, retitle the terminal or start a forged line. Every
// format gets it escaped the way git C-quotes paths (\n, \t, \033…), before any formatter sees it.
import type { PatchReport } from '../model/report.js';
import type { Finding } from '../model/finding.js';
import type { FileDiff } from '../model/diff.js';

/** C0 and C1 controls, DEL, and the Unicode bidi overrides that reorder what a reader sees. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const CONTROL_G = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\u0007': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\u000b': '\\v', '\f': '\\f', '\r': '\\r' };

function octal(ch: string): string {
  return NAMED[ch] ?? [...Buffer.from(ch, 'utf8')].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/**
 * Control characters as C escapes. keepLayout: tabs and newlines stay (hunk lines, multi-line
 * text printed as it is laid out); everything that moves a cursor or a terminal's state goes.
 */
export function escapeControls(s: string, keepLayout = false): string {
  if (!CONTROL.test(s)) return s;
  return s.replace(CONTROL_G, (ch) => (keepLayout && (ch === '\n' || ch === '\t') ? ch : octal(ch)));
}

/**
 * Text on one line: every run of white space holding a line break becomes one space. Matching
 * whole runs never backtracks; a pattern of spaces, a newline and spaces again retries a long
 * run of blanks from each of its places (quadratic).
 */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, (run) => (run.includes('\n') ? ' ' : run));
}

/** A path as git prints it: quoted, with C escapes, when it holds a control character, a quote or a backslash. */
export function quotePath(p: string): string {
  if (!CONTROL.test(p) && !/["\\]/.test(p)) return p;
  return `"${p.replace(/["\\]/g, (c) => `\\${c}`).replace(CONTROL_G, octal)}"`;
}

function safeFinding(f: Finding): Finding {
  return {
    ...f,
    file: f.file === null ? null : quotePath(f.file),
    title: escapeControls(f.title),
    message: escapeControls(f.message),
    symbols: f.symbols.map((s) => escapeControls(s)),
    ...(f.places ? { places: f.places.map((p) => (p.file === null ? p : { ...p, file: quotePath(p.file) })) } : {}),
    ...(f.acknowledged ? { acknowledged: { reason: escapeControls(f.acknowledged.reason) } } : {}),
  };
}

function safeFile(file: FileDiff, withLines: boolean): FileDiff {
  return {
    ...file,
    path: quotePath(file.path),
    oldPath: file.oldPath === null ? null : quotePath(file.oldPath),
    newPath: file.newPath === null ? null : quotePath(file.newPath),
    hunks: withLines ? file.hunks.map((h) => ({ ...h, section: escapeControls(h.section), lines: h.lines.map((l) => (CONTROL.test(l.text) ? { ...l, text: escapeControls(l.text, true) } : l)) })) : file.hunks,
  };
}

/**
 * The report as formatters may print it. lean: the formatter reads no hunks or commit text
 * (those are left as they are, saving a copy of a huge patch).
 */
export function safeReport(r: PatchReport, lean: boolean): PatchReport {
  const p = r.patch;
  const patch = {
    ...p,
    source: escapeControls(p.source),
    subject: escapeControls(p.subject),
    rawSubject: escapeControls(p.rawSubject),
    messageId: p.messageId === null ? null : escapeControls(p.messageId),
    inReplyTo: p.inReplyTo === null ? null : escapeControls(p.inReplyTo),
    references: p.references.map((x) => escapeControls(x)),
    author: escapeControls(p.author),
    date: escapeControls(p.date),
    prefix: { ...p.prefix, tags: p.prefix.tags.map((t) => escapeControls(t)) },
    ...(lean ? {} : { commitMessage: escapeControls(p.commitMessage, true) }),
  };
  return {
    ...r,
    patch,
    files: r.files.map((f) => safeFile(f, !lean)),
    findings: r.findings.map(safeFinding),
    ...(r.series ? { series: { ...r.series, coverLetter: r.series.coverLetter === null ? null : escapeControls(r.series.coverLetter) } } : {}),
    ...(r.prior ? { prior: { ...r.prior, text: escapeControls(r.prior.text, true) } } : {}),
  };
}
