// Escaping for the few places where the site builds markup in code rather than in a
// Handlebars template (the Markdown renderer, the diff view). Templates escape by themselves.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text → HTML text or attribute value (quoted). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Characters XML 1.0 does not allow at all, even escaped; entries and patches may carry them. */
export function stripXmlInvalid(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

/**
 * A URL from content (Markdown links, references) as it may appear in an href: http(s),
 * mailto, or relative. Anything else (javascript:, data:, vbscript:, …) gives null.
 * Browsers drop tabs and newlines inside a scheme ("java\nscript:"), so the check does too.
 */
export function safeHref(url: string): string | null {
  const u = url.replace(/[\u0000-\u0020\u007F]/g, '');
  if (u === '') return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(u);
  // "//host" and "\\host" are protocol-relative: another site, whatever the page's scheme.
  if (!scheme) return /^[/\\]{2}/.test(u) ? null : url.trim();
  return ['http', 'https', 'mailto'].includes(scheme[1]!.toLowerCase()) ? url.trim() : null;
}

/** An anchor id from heading text: lower-case words joined by "-". */
export function slugify(text: string): string {
  const s = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'section';
}
