// Huge patches (issue 19): a mail touching 200,000 files and one with 200,000 hunks, reviewed
// in every output format and with --jobs 2. The baseline, measured in the same run, is the same
// mail cut at the analysis caps: past the caps a patch should cost only the scan that counts it.
// `node dist/bench/hostile.js --write DIR` writes the mails only (bench/hostile-repro.sh).
import { mkdtempSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MAX_FILES_ANALYSED, MAX_HUNKS_ANALYSED } from '../src/diff/caps.js';

const head = (subject: string) =>
  `From: A <a@example.org>\nTo: kvm@vger.kernel.org\nSubject: [PATCH] ${subject}\nMessage-ID: <big-${subject.length}@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nvhost: big change\n\nSigned-off-by: A <a@example.org>\n---\n`;

function wideMail(files: number): string {
  const parts = [head('vhost: touch many files')];
  for (let i = 0; i < files; i++) {
    const p = `drivers/vhost/f${i}.c`;
    parts.push(`diff --git a/${p} b/${p}\n--- a/${p}\n+++ b/${p}\n@@ -1,2 +1,2 @@ int f${i}(void)\n int x;\n-\tr = vhost_old();\n+\tr = vhost_new();\n`);
  }
  return parts.join('');
}

function deepMail(hunks: number): string {
  const parts = [head('vhost: many hunks'), 'diff --git a/drivers/vhost/big.c b/drivers/vhost/big.c\n--- a/drivers/vhost/big.c\n+++ b/drivers/vhost/big.c\n'];
  for (let i = 0; i < hunks; i++) parts.push(`@@ -${i * 10 + 1},2 +${i * 10 + 1},2 @@ static int f${i}(void)\n \tint r;\n-\tr = old_${i}();\n+\tr = new_${i}();\n`);
  return parts.join('');
}

/** The two issue-19 mails (about 38 MB and 18 MB) in dir; returns their paths. */
export function writeHugeMails(dir: string): { files: string; hunks: string } {
  const files = join(dir, 'files200k.eml');
  const hunks = join(dir, 'hunks200k.eml');
  writeFileSync(files, wideMail(200_000));
  writeFileSync(hunks, deepMail(200_000));
  return { files, hunks };
}

type Measure = (cmd: string, args: string[]) => Promise<{ ms: number; peakMB: number; code: number | null }>;

export async function runHugePatchBench(bin: string, measure: Measure): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pr-bench-huge-'));
  const big = writeHugeMails(dir);
  const atCaps = { files: join(dir, 'files-at-cap.eml'), hunks: join(dir, 'hunks-at-cap.eml') };
  writeFileSync(atCaps.files, wideMail(MAX_FILES_ANALYSED));
  writeFileSync(atCaps.hunks, deepMail(MAX_HUNKS_ANALYSED));
  const mb = (p: string) => (statSync(p).size / 1048576).toFixed(0);
  const run = (file: string, extra: string[]) => measure(process.execPath, [bin, '--fail-on', 'never', ...extra, file]);
  const cases: [string, keyof typeof big, string[]][] = [
    ['text', 'files', ['--format', 'text']],
    ['json', 'files', ['--format', 'json']],
    ['html', 'files', ['--format', 'html']],
    ['--jobs 1', 'hunks', ['--jobs', '1']],
    ['--jobs 2', 'hunks', ['--jobs', '2']],
  ];
  try {
    for (const [label, kind, extra] of cases) {
      const base = await run(atCaps[kind], extra);
      const r = await run(big[kind], extra);
      const what = kind === 'files' ? `200k files (${mb(big.files)} MB)` : `200k hunks (${mb(big.hunks)} MB)`;
      console.log(
        `huge patch, ${what}, ${label.padEnd(8)} ${r.ms.toFixed(0)} ms, peak ${r.peakMB.toFixed(0)} MB, exit ${r.code} (target < 5000 ms, < 1024 MB); baseline: the same mail at the cap ${base.ms.toFixed(0)} ms, peak ${base.peakMB.toFixed(0)} MB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === '--write') {
  const out = process.argv[3];
  if (!out) throw new Error('usage: node dist/bench/hostile.js --write DIR');
  console.log(Object.values(writeHugeMails(out)).join('\n'));
}
