// `patch-review spec index|show`: build the spec index from the user's copies of the
// virtio LaTeX sources and vhost-user.rst, and look sections up in it.

import path from 'node:path';
import { InputError, UsageError } from '../../model/errors.js';
import type { CliIO, CommandRun } from '../io.js';
import { findSpecSection, publishedSpecUrl } from '../../spec/spec-links.js';
import { loadSpecIndex, makeSpecIndexFile, serializeSpecIndex, specCounts } from '../../spec/spec-index.js';
import { writeOutputAtomic } from '../../io/atomic-write.js';
import type { NormativeBlock, SpecIndexFile, SpecSection, VirtioSpecIndex } from '../../spec/types.js';
import { indexVhostUser } from '../../spec/vhost-user.js';
import { indexVirtioSpec } from '../../spec/virtio-spec.js';

/** The spec commands' options (program.ts). */
interface SpecOptions {
  virtio?: string;
  vhostUser?: string;
  out?: string;
  index?: string;
  format: 'text' | 'json';
}

export const run: CommandRun = async (p, io) => {
  const o = p.opts as SpecOptions;
  return p.path[1] === 'index' ? runIndex(o, io) : runShow(p.args[0]!, o, io);
};

async function runIndex(values: SpecOptions, io: CliIO): Promise<number> {
  const fmt = values.format;
  if (values.virtio === undefined && values.vhostUser === undefined) {
    throw new UsageError('spec index: give --virtio DIR and/or --vhost-user FILE');
  }
  const started = performance.now();
  const virtio = values.virtio === undefined ? undefined : indexVirtioSpec(path.resolve(io.cwd, values.virtio));
  const virtioMs = performance.now() - started;
  const vhostUser = values.vhostUser === undefined ? undefined : indexVhostUser(path.resolve(io.cwd, values.vhostUser));
  const totalMs = performance.now() - started;
  const file = makeSpecIndexFile({ virtio, vhostUser });
  if (values.out !== undefined) writeOutputAtomic(path.resolve(io.cwd, values.out), serializeSpecIndex(file));

  if (fmt === 'json') {
    io.stdout(`${JSON.stringify(specCounts(file), null, 2)}\n`);
    return 0;
  }
  io.stdout(indexSummary(file, { virtioMs, totalMs, out: values.out }));
  return 0;
}

function indexSummary(file: SpecIndexFile, t: { virtioMs: number; totalMs: number; out?: string }): string {
  const lines: string[] = [];
  const v = file.virtio;
  if (v) {
    const c = v.counts;
    lines.push(
      `virtio spec${v.revision ? ` ${v.revision}` : ''}: ${c.sections} numbered sections in ${c.chapters} chapters, ${v.files.length} files`,
      `  normative sections: ${c.normativeSections} (${c.deviceNormativeSections} device, ${c.driverNormativeSections} driver)`,
      `  statements: ${c.normativeStatements} sentences; MUST/MUST NOT ${c.mustStatements} (MUST NOT ${c.mustNotStatements}), SHOULD ${c.shouldStatements}, MAY ${c.mayStatements}`,
      `  feature bits: ${c.featureBits} (${c.deviceIndependentFeatureBits} device-independent) over ${c.deviceTypes} device types; ${c.reservedRanges} allocation ranges, ${c.statusBits} status bits, ${c.deviceIds} device ids`,
      `  source issues: ${v.issues.length}`,
    );
  }
  const u = file.vhostUser;
  if (u) {
    const c = u.counts;
    const kinds = new Map<string, number>();
    for (const x of u.contradictions) kinds.set(x.kind, (kinds.get(x.kind) ?? 0) + 1);
    lines.push(
      `vhost-user: ${c.messages} messages (${c.frontEndMessages} front-end, ${c.backEndMessages} back-end), ${c.protocolFeatures} protocol features, ${c.ringRules} ring-state rules`,
      `  replies: ${c.repliesRequired} always, ${c.repliesConditional} conditional, ${c.repliesIfNeedReply} only with need_reply, ${c.repliesDisputed} disputed`,
      `  contradictions: ${c.contradictions}${kinds.size ? ` (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}`,
    );
  }
  lines.push(`indexed in ${Math.round(t.totalMs)} ms${v ? ` (virtio spec ${Math.round(t.virtioMs)} ms)` : ''}`);
  if (t.out !== undefined) lines.push(`wrote ${t.out}`);
  return `${lines.join('\n')}\n`;
}

async function runShow(ref: string, values: SpecOptions, io: CliIO): Promise<number> {
  const fmt = values.format;
  if ((values.index === undefined) === (values.virtio === undefined)) {
    throw new UsageError('spec show: give either --index PATH or --virtio DIR');
  }
  let index: VirtioSpecIndex;
  if (values.index !== undefined) {
    const file = path.resolve(io.cwd, values.index);
    const loaded = loadSpecIndex(file);
    if (!loaded.virtio) throw new InputError(values.index, 'holds no virtio spec index (it was built without --virtio)');
    index = loaded.virtio;
  } else index = indexVirtioSpec(path.resolve(io.cwd, values.virtio!));

  const section = findSpecSection(index, ref);
  if (!section) throw new InputError(ref, 'no such section number or label in the virtio spec');
  const blocks = section.normative
    ? index.normativeBlocks.filter((b) => b.number === section.number)
    : index.normativeBlocks.filter((b) => b.section === section.number);
  const url = publishedSpecUrl(section.number, index);
  if (fmt === 'json') {
    io.stdout(`${JSON.stringify({ section, url, normativeBlocks: blocks }, null, 2)}\n`);
    return 0;
  }
  io.stdout(showText(section, url, blocks));
  return 0;
}

function showText(section: SpecSection, url: string, blocks: NormativeBlock[]): string {
  const lines = [`${section.number} ${section.title}`];
  lines.push(`label: ${section.label ?? '(none)'}`);
  lines.push(`link: ${url}`);
  lines.push(`source: ${section.file}:${section.line}`);
  if (blocks.length === 0) lines.push('normative statements: none');
  for (const b of blocks) {
    lines.push('');
    if (b.number !== section.number) lines.push(`${b.number} ${b.kind === 'device' ? 'Device' : 'Driver'} Requirements: ${b.title}  [${b.label}]`);
    if (b.statements.length === 0) lines.push('  (no sentence with an upper-case keyword)');
    for (const s of b.statements) lines.push(`  ${s.keyword.padEnd(10)} ${s.text}  (${s.file}:${s.line})`);
  }
  return `${lines.join('\n')}\n`;
}
