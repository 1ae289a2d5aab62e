// `patch-review spec index|show`: build the spec index from the user's copies of the
// virtio LaTeX sources and vhost-user.rst, and look sections up in it.

import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError, UsageError } from '../../model/errors.js';
import type { CliIO, CommandRun } from '../io.js';
import { findSpecSection, publishedSpecUrl } from '../../spec/spec-links.js';
import { loadSpecIndex, makeSpecIndexFile, serializeSpecIndex, specCounts } from '../../spec/spec-index.js';
import { writeOutputAtomic } from '../../io/atomic-write.js';
import type { NormativeBlock, SpecIndexFile, SpecSection, VirtioSpecIndex } from '../../spec/types.js';
import { indexVhostUser } from '../../spec/vhost-user.js';
import { indexVirtioSpec } from '../../spec/virtio-spec.js';

const USAGE = `usage: patch-review spec index [--virtio DIR] [--vhost-user FILE] [--out PATH] [--format text|json]
       patch-review spec show LABEL|NUMBER (--index PATH | --virtio DIR) [--format text|json]

  index   index the virtio spec LaTeX sources (DIR holds virtio.tex) and/or QEMU's
          vhost-user.rst; print the counts, and write the whole index to PATH with --out
  show    print a section's number, title, label, link and normative statements
`;

export const run: CommandRun = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === 'help' || sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  if (sub === 'index') return runIndex(rest, io);
  if (sub === 'show') return runShow(rest, io);
  if (sub === undefined) throw new UsageError('spec: missing subcommand (index or show); see "patch-review spec --help"');
  throw new UsageError(`spec: unknown subcommand "${sub}" (expected index or show)`);
};

function parse<T extends ParseArgsConfig['options']>(command: string, args: string[], options: T, positionals: boolean) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals, strict: true });
  } catch (err) {
    throw new UsageError(`spec ${command}: ${String((err as Error).message).split('\n')[0]}`);
  }
}

function format(command: string, value: unknown): 'text' | 'json' {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new UsageError(`spec ${command}: --format must be text or json, not "${String(value)}"`);
}

async function runIndex(args: string[], io: CliIO): Promise<number> {
  const { values } = parse(
    'index',
    args,
    {
      virtio: { type: 'string' },
      'vhost-user': { type: 'string' },
      out: { type: 'string', short: 'o' },
      format: { type: 'string' },
    },
    false,
  );
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const fmt = format('index', values.format);
  if (values.virtio === undefined && values['vhost-user'] === undefined) {
    throw new UsageError('spec index: give --virtio DIR and/or --vhost-user FILE');
  }
  const started = performance.now();
  const virtio = values.virtio === undefined ? undefined : indexVirtioSpec(path.resolve(io.cwd, values.virtio));
  const virtioMs = performance.now() - started;
  const vhostUser = values['vhost-user'] === undefined ? undefined : indexVhostUser(path.resolve(io.cwd, values['vhost-user']));
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

async function runShow(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(
    'show',
    args,
    { index: { type: 'string' }, virtio: { type: 'string' }, format: { type: 'string' } },
    true,
  );
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const fmt = format('show', values.format);
  if (positionals.length !== 1) throw new UsageError('spec show: give exactly one LABEL or NUMBER (quote labels with spaces)');
  if ((values.index === undefined) === (values.virtio === undefined)) {
    throw new UsageError('spec show: give either --index PATH or --virtio DIR');
  }
  const ref = positionals[0]!;
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
