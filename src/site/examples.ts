// Example reviews: the patches in examples/ go through the review engine as with
// `patch-review FILE`, so a visitor sees what a review of a real-looking patch says.
import { readdirSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import type { Entry } from '../knowledge/entry.js';
import type { PatchReport } from '../model/report.js';
import { readInput } from '../ingest/read-input.js';
import { openReview } from '../engine/index.js';

export interface ExampleReview {
  /** File name in examples/. */
  file: string;
  slug: string;
  reports: PatchReport[];
}

const EXAMPLE_FILE = /\.(patch|diff|eml|mbox)$/i;

export async function reviewExamples(dir: string | null, entries: Entry[]): Promise<{ reviews: ExampleReview[]; warnings: string[] }> {
  const reviews: ExampleReview[] = [];
  const warnings: string[] = [];
  if (!dir || !existsSync(dir)) return { reviews, warnings };
  // The site's own entries, no project configuration: the examples show the knowledge base as published.
  const engine = await openReview({ project: null, entries });
  const slugs = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => EXAMPLE_FILE.test(f)).sort()) {
    const reports: PatchReport[] = [];
    try {
      await engine.review(readInput({ name: join(dir, file) }), (r) => {
        reports.push(r);
      });
    } catch (e) {
      // A broken example should not take the whole site down; the build says so.
      warnings.push(`example ${file} left out: ${(e as Error).message}`);
      continue;
    }
    if (reports.length === 0) {
      warnings.push(`example ${file} left out: no patch in it`);
      continue;
    }
    let slug = basename(file).replace(EXAMPLE_FILE, '').replace(/[^A-Za-z0-9._-]+/g, '-');
    while (slugs.has(slug.toLowerCase())) slug += '-';
    slugs.add(slug.toLowerCase());
    reviews.push({ file, slug, reports });
  }
  return { reviews, warnings };
}
