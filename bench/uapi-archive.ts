// The uAPI analysis over the whole mailing-list archive: per-fact-kind counts, counts per
// compatibility class, every abi-break fact with its Message-ID (for hand checking), the
// abi-break findings the knowledge base raises, and any exception (there should be none).
//
//   node dist/bench/uapi-archive.js [--archive PATH] [--headers DIR] [--list] [--limit N]
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PACKAGE_ROOT } from '../src/io/paths.js';
import { readInput } from '../src/ingest/read-input.js';
import { openReview } from '../src/engine/index.js';
import { newSeries, seriesKeyOf, type SeriesSummary } from '../src/analyze/series.js';
import type { Fact } from '../src/model/facts.js';
import type { Finding } from '../src/model/finding.js';

const UAPI_KINDS = /^(uapi-|macro-|ioctl-|struct-|enum-|sentinel-|flag-bit|mask-bit|error-return|module-param|wait-added|series-)/;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      archive: { type: 'string', default: resolve(PACKAGE_ROOT, '..', 'shared', 'corpus', 'archive.mbox.gz') },
      headers: { type: 'string' },
      list: { type: 'boolean', default: false },
      limit: { type: 'string' },
    },
  });
  const archive = values.archive!;
  if (!existsSync(archive)) {
    console.log(`skipped: no archive at ${archive} (pass --archive PATH)`);
    return;
  }
  const limit = values.limit ? Number(values.limit) : Infinity;
  const engine = await openReview(values.headers ? { headersDir: values.headers } : {});
  const kinds = new Map<string, number>();
  const classes = new Map<string, number>();
  const breaks: { id: string; subject: string; f: Fact }[] = [];
  const breakFindingList: { id: string; subject: string; f: Finding }[] = [];
  const failures: { id: string; error: string }[] = [];
  const open = new Map<string, SeriesSummary>();
  let patches = 0;
  let breakFindings = 0;
  let breakFindingPatches = 0;
  const started = process.hrtime.bigint();
  for await (const item of readInput({ name: archive })) {
    if (item.kind !== 'patch') continue;
    if (patches >= limit) break;
    patches++;
    const p = item.patch;
    const id = p.messageId ?? p.source;
    try {
      const key = seriesKeyOf(p);
      let s = open.get(key);
      if (!s) open.set(key, (s = newSeries(key)));
      const report = engine.reviewOne(p, s);
      if (p.prefix.total === null || p.prefix.index === p.prefix.total) open.delete(key);
      for (const f of report.facts ?? []) {
        if (!UAPI_KINDS.test(f.kind)) continue;
        kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
        if (f.compat) classes.set(f.compat.class, (classes.get(f.compat.class) ?? 0) + 1);
        if (f.compat?.class === 'abi-break') breaks.push({ id, subject: p.rawSubject, f });
      }
      const found = report.findings.filter((x) => x.compatClass === 'abi-break');
      breakFindings += found.length;
      if (found.length > 0) breakFindingPatches++;
      for (const f of found) breakFindingList.push({ id, subject: p.rawSubject, f });
    } catch (e) {
      failures.push({ id, error: (e as Error).stack?.split('\n').slice(0, 3).join(' | ') ?? String(e) });
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`uAPI analysis over ${archive}`);
  console.log(`${patches} patch mails in ${seconds.toFixed(1)} s; exceptions: ${failures.length}`);
  for (const x of failures.slice(0, 20)) console.log(`  EXCEPTION <${x.id}>: ${x.error}`);
  console.log('\nfacts per kind (uAPI, behaviour and series kinds):');
  for (const [k, n] of [...kinds].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(28)} ${n}`);
  console.log('\nfacts per compatibility class:');
  for (const [k, n] of [...classes].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(28)} ${n}`);
  const breakPatches = new Set(breaks.map((b) => b.id)).size;
  console.log(`\nabi-break facts: ${breaks.length} in ${breakPatches} patch mails`);
  console.log(`abi-break findings (after matching the knowledge base): ${breakFindings} in ${breakFindingPatches} patch mails`);
  const byKind = new Map<string, number>();
  for (const b of breaks) byKind.set(b.f.kind, (byKind.get(b.f.kind) ?? 0) + 1);
  for (const [k, n] of [...byKind].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(28)} ${n}`);
  if (values.list) {
    console.log('\nabi-break findings (Message-ID | subject | severity rule | file:line | symbols):');
    for (const b of breakFindingList) {
      console.log(`<${b.id}> | ${b.subject.slice(0, 90)} | ${b.f.severity} ${b.f.ruleId} | ${b.f.file}:${b.f.line ?? ''} | ${b.f.symbols.slice(0, 4).join(' ')}`);
    }
    console.log('\nabi-break facts (Message-ID | subject | file:line | kind symbol | detail | reason):');
    for (const b of breaks) {
      console.log(`<${b.id}> | ${b.subject.slice(0, 90)} | ${b.f.file}:${b.f.line ?? b.f.oldLine ?? ''} | ${b.f.kind} ${b.f.symbol} | ${b.f.detail ?? ''} | ${b.f.compat!.reason}`);
    }
  }
}

main().catch((e) => {
  console.error(`uapi-archive: ${(e as Error).message}`);
  process.exitCode = 1;
});
