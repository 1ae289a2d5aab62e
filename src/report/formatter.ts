// Formatters are plug-ins (ESLint style): each turns reports into text, streaming per patch
// so an archive never has to sit in memory. The registry loads them lazily by name.
import type { PatchReport, RulesMeta, RunSummary } from '../model/report.js';
import { safeReport } from './escape.js';

export interface FormatContext {
  color: boolean;
  tool: { name: string; version: string };
  /** Base URL of the compatibility-notes site, for links to entries. */
  siteUrl: string;
  /**
   * Metadata of the rules behind the findings (title, summary, checklist, references), as the
   * engine compiled them once (ReviewEngine.rulesMeta); a finding names its rule by ruleId, and
   * formatters read rule text from here only.
   */
  rulesMeta: RulesMeta;
  /** Every finding in full (text: checklists, references, acknowledged findings; terse: notes). */
  verbose?: boolean;
  /** Columns to wrap text to: the terminal's width, or 100 when not on a terminal. */
  width?: number;
}

export interface Formatter {
  /**
   * Reads only a report's metadata, file paths and findings: never the hunks, the diff text or
   * the commit message. --jobs workers then leave those out of what they send back.
   */
  lean?: boolean;
  begin(): string;
  patch(report: PatchReport): string;
  end(summary: RunSummary): string;
}

export type FormatterFactory = (ctx: FormatContext) => Formatter;

const REGISTRY: Record<string, () => Promise<FormatterFactory>> = {
  text: async () => (await import('./text.js')).textFormatter,
  terse: async () => (await import('./terse.js')).terseFormatter,
  markdown: async () => (await import('./markdown.js')).markdownFormatter,
  json: async () => (await import('./json.js')).jsonFormatter,
  jsonl: async () => (await import('./json.js')).jsonlFormatter,
  sarif: async () => (await import('./sarif.js')).sarifFormatter,
  rdjson: async () => (await import('./rdjson.js')).rdjsonFormatter,
  rdjsonl: async () => (await import('./rdjson.js')).rdjsonlFormatter,
  patchwork: async () => (await import('./patchwork.js')).patchworkFormatter,
  email: async () => (await import('./email.js')).emailFormatter,
  html: async () => (await import('./html.js')).htmlFormatter,
  b4: async () => (await import('./b4.js')).b4Formatter,
};

export const FORMAT_NAMES = Object.keys(REGISTRY);

export async function loadFormatter(name: string): Promise<FormatterFactory | undefined> {
  const load = REGISTRY[name];
  return load ? escaping(await load()) : undefined;
}

/** Every formatter sees patch-derived text with its control characters escaped (escape.ts). */
function escaping(factory: FormatterFactory): FormatterFactory {
  return (ctx) => {
    const f = factory(ctx);
    const patch = f.patch.bind(f);
    return Object.assign(f, { patch: (r: PatchReport) => patch(safeReport(r, f.lean === true)) });
  };
}
