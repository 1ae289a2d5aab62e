// Knowledge sources (Markdown + YAML frontmatter) → validated entries. This is the slow path
// (yaml + zod); the CLI normally reads a snapshot of its result (see load.ts).
import { parse as parseYaml } from 'yaml';
import { entrySchema } from './schema.js';
import type { Entry } from './entry.js';
import { unsafeReason } from './safe-regex.js';
import { superLinearReason } from './regex-complexity.js';
import { globsToRegex } from './glob-regex.js';

export interface SourceFile {
  /** Relative path, e.g. "vhost/vhost-set-owner.md". */
  file: string;
  text: string;
}

export interface Problem {
  file: string;
  /** Dotted frontmatter path, e.g. "triggers.0.symbolPatterns.1", or "" for the file. */
  field: string;
  message: string;
  /** Which lint check found it (for counts per kind); absent for schema problems. */
  check?: string;
}

export interface CompileResult {
  entries: Entry[];
  problems: Problem[];
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

export function compileSources(sources: SourceFile[]): CompileResult {
  const entries: Entry[] = [];
  const problems: Problem[] = [];
  const ids = new Map<string, string>();
  for (const src of sources) {
    const m = FRONTMATTER.exec(src.text);
    if (!m) {
      problems.push({ file: src.file, field: '', message: 'no YAML frontmatter (the file must start with a --- block)' });
      continue;
    }
    let data: unknown;
    try {
      data = parseYaml(m[1]!);
    } catch (e) {
      problems.push({ file: src.file, field: '', message: `frontmatter is not valid YAML: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    const parsed = entrySchema.safeParse(data);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const yamlHint = issue.code === 'invalid_type' && /received object/.test(issue.message) ? ' (YAML read "key: value" inside this item: quote the whole string)' : '';
        problems.push({ file: src.file, field: issue.path.join('.'), message: issue.message + yamlHint });
      }
      continue;
    }
    const fm = parsed.data;
    const base = src.file.split('/').pop()!.replace(/\.md$/, '');
    if (base !== fm.id) problems.push({ file: src.file, field: 'id', message: `id "${fm.id}" does not match the file name "${base}.md"` });
    const dir = src.file.includes('/') ? src.file.split('/')[0] : undefined;
    if (dir !== undefined && dir !== fm.area) problems.push({ file: src.file, field: 'area', message: `area "${fm.area}" does not match the folder "${dir}"` });
    const dup = ids.get(fm.id);
    if (dup) problems.push({ file: src.file, field: 'id', message: `duplicate id "${fm.id}" (also in ${dup})` });
    ids.set(fm.id, src.file);
    // An entry with an unsafe pattern is left out whole: reviews run the patterns unchecked.
    let unsafe = false;
    (fm.triggers ?? []).forEach((t, ti) => {
      for (const key of ['symbolPatterns', 'lines', 'functions'] as const) {
        (t[key] ?? []).forEach((p, pi) => {
          const why = unsafeReason(p) ?? superLinearReason(p);
          if (why) problems.push({ file: src.file, field: `triggers.${ti}.${key}.${pi}`, message: `unsafe pattern ${JSON.stringify(p)}: ${why}` });
          if (why) unsafe = true;
        });
      }
    });
    if (unsafe) continue;
    for (const t of fm.triggers ?? []) {
      const ct = t as typeof t & { filesRegex?: string; notFilesRegex?: string };
      if (t.files?.length) ct.filesRegex = globsToRegex(t.files);
      if (t.notFiles?.length) ct.notFilesRegex = globsToRegex(t.notFiles);
    }
    entries.push({ ...fm, file: src.file, body: m[2]!.trim() });
  }
  // Cross-entry checks.
  for (const e of entries) {
    for (const r of e.related ?? []) {
      if (!ids.has(r)) problems.push({ file: e.file, field: 'related', message: `unknown related entry "${r}"` });
    }
  }
  entries.sort((a, b) => a.id.localeCompare(b.id));
  return { entries, problems };
}
