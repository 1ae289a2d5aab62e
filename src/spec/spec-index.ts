// The saved spec index: one JSON file holding the virtio and vhost-user indexes, the
// flat counts both print, and the file I/O (atomic write, validated read).

import { readFileSync } from 'node:fs';
import { writeFileAtomic as atomicWrite } from '../io/atomic-write.js';
import { z } from 'zod';
import { InputError } from '../model/errors.js';
import type { SpecIndexFile, VhostUserIndex, VirtioSpecIndex } from './types.js';

export const SPEC_INDEX_FORMAT = 'patch-review-spec-index';

export function makeSpecIndexFile(parts: { virtio?: VirtioSpecIndex; vhostUser?: VhostUserIndex }): SpecIndexFile {
  const file: SpecIndexFile = { format: SPEC_INDEX_FORMAT, version: 1 };
  if (parts.virtio) file.virtio = parts.virtio;
  if (parts.vhostUser) file.vhostUser = parts.vhostUser;
  return file;
}

/** The numbers `spec index` prints (and --format json emits): one flat object. */
export function specCounts(file: SpecIndexFile): Record<string, number> {
  const out: Record<string, number> = {};
  const v = file.virtio?.counts;
  if (v) {
    Object.assign(out, {
      sections: v.sections,
      chapters: v.chapters,
      labels: v.labels,
      normativeSections: v.normativeSections,
      deviceNormativeSections: v.deviceNormativeSections,
      driverNormativeSections: v.driverNormativeSections,
      normativeStatements: v.normativeStatements,
      mustStatements: v.mustStatements,
      mustNotStatements: v.mustNotStatements,
      shouldStatements: v.shouldStatements,
      mayStatements: v.mayStatements,
      featureBits: v.featureBits,
      deviceIndependentFeatureBits: v.deviceIndependentFeatureBits,
      deviceTypes: v.deviceTypes,
      reservedRanges: v.reservedRanges,
      statusBits: v.statusBits,
      deviceIds: v.deviceIds,
      specIssues: file.virtio!.issues.length,
    });
  }
  const u = file.vhostUser?.counts;
  if (u) {
    Object.assign(out, {
      vhostUserMessages: u.messages,
      vhostUserFrontEndMessages: u.frontEndMessages,
      vhostUserBackEndMessages: u.backEndMessages,
      vhostUserProtocolFeatures: u.protocolFeatures,
      vhostUserRepliesRequired: u.repliesRequired,
      vhostUserRepliesConditional: u.repliesConditional,
      vhostUserRepliesIfNeedReply: u.repliesIfNeedReply,
      vhostUserRepliesDisputed: u.repliesDisputed,
      vhostUserContradictions: u.contradictions,
      vhostUserRingRules: u.ringRules,
    });
  }
  return out;
}

export function serializeSpecIndex(file: SpecIndexFile): string {
  return `${JSON.stringify(file)}\n`;
}

// Only what the readers rely on is checked; the rest passes through as written.
const sectionSchema = z.looseObject({
  number: z.string(),
  title: z.string(),
  label: z.string().nullable(),
  labels: z.array(z.string()),
});
const fileSchema = z.looseObject({
  format: z.literal(SPEC_INDEX_FORMAT),
  version: z.literal(1),
  virtio: z
    .looseObject({
      kind: z.literal('virtio-spec'),
      sections: z.array(sectionSchema),
      normativeBlocks: z.array(z.looseObject({ number: z.string(), label: z.string(), statements: z.array(z.looseObject({ keyword: z.string(), text: z.string() })) })),
      featureBits: z.array(z.looseObject({ name: z.string(), bit: z.number(), deviceType: z.string() })),
      deviceTypes: z.array(z.looseObject({ key: z.string(), featurePrefix: z.string() })),
      reservedRanges: z.array(z.looseObject({ from: z.number(), to: z.number().nullable(), kind: z.string() })),
      counts: z.looseObject({}),
    })
    .optional(),
  vhostUser: z
    .looseObject({
      kind: z.literal('vhost-user'),
      messages: z.array(z.looseObject({ name: z.string(), id: z.number(), direction: z.string() })),
      protocolFeatures: z.array(z.looseObject({ name: z.string(), bit: z.number() })),
      counts: z.looseObject({}),
    })
    .optional(),
});

/** Parses a saved index; `source` names the file in errors. */
export function parseSpecIndex(text: string, source: string): SpecIndexFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError(source, 'not a spec index (invalid JSON)');
  }
  const r = fileSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue ? issue.path.join('.') || 'top level' : 'top level';
    throw new InputError(source, `not a spec index written by "patch-review spec index" (${where}: ${issue?.message ?? 'invalid'})`);
  }
  return data as SpecIndexFile;
}

export function loadSpecIndex(file: string): SpecIndexFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? 'error'})`);
  }
  return parseSpecIndex(text, file);
}

/** Writes via a temporary file in the same directory and a rename, so a reader never sees half a file. */
export function writeFileAtomic(file: string, data: string): void {
  try {
    atomicWrite(file, data);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' ? 'cannot write: its directory does not exist' : code === 'EISDIR' ? 'cannot write: is a directory' : `cannot write (${code ?? 'error'})`;
    throw new InputError(file, problem);
  }
}
