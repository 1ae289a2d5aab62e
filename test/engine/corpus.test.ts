// Tests on the real list corpus beside the checkout (../shared/corpus); skipped when absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMail } from '../../src/ingest/mail.js';
import { extractPatch } from '../../src/ingest/extract.js';
import { parseUnifiedDiff } from '../../src/diff/parse.js';
import { readInput } from '../../src/ingest/read-input.js';
import { openReview } from '../../src/engine/index.js';
import { SEVERITY_RANK } from '../../src/model/finding.js';
import { CORPUS, HAVE_CORPUS, NO_CORPUS_REASON } from '../helpers.js';

const skip = HAVE_CORPUS ? false : NO_CORPUS_REASON;
interface Label {
  file: string;
  subject: string;
  files: string[];
  kind: string;
  category?: string;
}
const labels = (): Label[] =>
  readFileSync(join(CORPUS, 'dev', 'labels.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Label);

test('every dev mail parses to the labelled subject and files', { skip }, () => {
  for (const l of labels()) {
    const r = extractPatch(parseMail(readFileSync(join(CORPUS, 'dev', l.file))), l.file);
    assert.ok('patch' in r, `${l.file}: not recognised as a patch`);
    assert.equal(r.patch.rawSubject.replace(/\s+/g, ' '), l.subject.replace(/\s+/g, ' '), l.file);
    const files = parseUnifiedDiff(r.patch.diff).map((f) => f.path);
    assert.deepEqual([...files].sort(), [...l.files].sort(), l.file);
  }
});

test('line counts agree with git apply --numstat on every dev mail', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'pr-numstat-'));
  let compared = 0;
  for (const l of labels()) {
    const r = extractPatch(parseMail(readFileSync(join(CORPUS, 'dev', l.file))), l.file);
    assert.ok('patch' in r);
    const p = join(dir, `${l.file}.diff`);
    writeFileSync(p, r.patch.diff.replace(/\n-- \n[\s\S]*$/, '\n'));
    let out: string;
    try {
      out = execFileSync('git', ['apply', '--numstat', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue; // git refuses a few damaged list mails; those are covered by the damage tests
    }
    const expected = out.trim().split('\n').filter(Boolean).map((line) => {
      const [a, d, path] = line.split('\t');
      return `${a === '-' ? 0 : a} ${d === '-' ? 0 : d} ${path}`;
    });
    const got = parseUnifiedDiff(r.patch.diff).map((f) => `${f.additions} ${f.deletions} ${f.path}`);
    assert.deepEqual(got, expected, l.file);
    compared++;
  }
  assert.ok(compared >= 60, `compared only ${compared} dev mails with git apply`);
});

test('every patch mail of the archive is processed without an exception', { skip, timeout: 300_000 }, async () => {
  const engine = await openReview();
  let files = 0;
  const summary = await engine.review(readInput({ name: join(CORPUS, 'archive.mbox.gz') }), (r) => {
    files += r.files.length;
  });
  assert.ok(summary.patches > 7500, `only ${summary.patches} patches`);
  const mails = summary.patches + summary.skipped.reply + summary.skipped['cover-letter'] + summary.skipped['no-diff'];
  assert.equal(mails, 25573);
  assert.ok(files > summary.patches);
});

async function reviewFile(path: string) {
  const engine = await openReview();
  const out: { subject: string; categories: Set<string>; errors: number }[] = [];
  const summary = await engine.review(readInput({ name: path }), (r) => {
    const atLeastWarning = r.findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.warning);
    out.push({ subject: r.patch.rawSubject, categories: new Set(atLeastWarning.map((f) => f.category)), errors: r.findings.filter((f) => f.severity === 'error').length });
  });
  return { patches: out, summary };
}

test('seed threads: vsock IOTLB support is flagged as the feature-negotiation break it became', { skip }, async () => {
  const { patches } = await reviewFile(join(CORPUS, 'threads', 'vsock-iotlb-2020.mbox'));
  assert.ok(patches.length >= 1);
  for (const p of patches) {
    assert.ok(p.categories.has('feature-negotiation'), p.subject);
    assert.ok(p.errors > 0, `${p.subject}: offering ACCESS_PLATFORM from vhost-vsock must be an error`);
  }
});

test('seed threads: the IOTLB_PERSIST / .reset_map series raises mapping-lifecycle concerns', { skip }, async () => {
  const { patches } = await reviewFile(join(CORPUS, 'threads', 'iotlb-persist-2023.mbox'));
  const persist = patches.filter((p) => /IOTLB_PERSIST/.test(p.subject));
  assert.ok(persist.length >= 2);
  for (const p of persist) assert.ok(p.categories.has('reset-and-mapping-lifecycle') && p.categories.has('feature-negotiation'), p.subject);
  const resetMap = patches.filter((p) => /reset_map/.test(p.subject));
  assert.ok(resetMap.some((p) => p.categories.has('reset-and-mapping-lifecycle')));
});

test('seed threads without patches (bug report, review replies) are read and skipped, not errors', { skip }, async () => {
  for (const t of ['crosvm-regression-2022.mbox', 'vduse-2021.mbox']) {
    let mails = 0;
    for await (const item of readInput({ name: join(CORPUS, 'threads', t) })) {
      mails++;
      assert.equal(item.kind, 'skipped', t);
    }
    assert.ok(mails >= 17, t);
  }
  assert.ok(readdirSync(join(CORPUS, 'threads')).length >= 4);
});
