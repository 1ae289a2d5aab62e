// The one knowledge-entry schema: frontmatter of knowledge/<area>/<id>.md.
import { z } from 'zod';
import { CATEGORIES, SEVERITIES, REFERENCE_TYPES } from '../model/finding.js';
import { FACT_KINDS } from '../model/facts.js';

export const AREAS = [
  'vhost',
  'vhost-net',
  'vhost-scsi',
  'vhost-vsock',
  'vhost-vdpa',
  'vdpa',
  'vhost-user',
  'vduse',
  'vfio',
  'iommufd',
  'virtio',
  'uapi-general',
] as const;
export type Area = (typeof AREAS)[number];

export const CONSUMERS = [
  'QEMU',
  'crosvm',
  'cloud-hypervisor',
  'Firecracker',
  'DPDK',
  'SPDK',
  'libvhost-user',
  'rust-vmm vhost',
  'rust-vmm vfio',
  'virtiofsd',
  'libvirt',
  'vdpa tool (iproute2)',
  'kata-containers',
  'Linux virtio drivers',
  'any uAPI user',
] as const;

const idPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const referenceSchema = z
  .object({
    type: z.enum(REFERENCE_TYPES),
    id: z.string().min(1),
    title: z.string().min(1).optional(),
    /** Optional for lore/commit/spec (derived); required for url. */
    url: z.string().regex(/^https?:\/\/\S+$/, 'a reference url must be an http(s) link').optional(),
  })
  .strict()
  .refine((r) => r.type !== 'url' || r.url !== undefined || /^https?:\/\//.test(r.id), {
    message: 'a reference of type url needs an http(s) id or url',
  })
  .refine((r) => r.type !== 'commit' || /^[0-9a-f]{12,40}$/.test(r.id), {
    message: 'a commit reference id must be 12 to 40 lower-case hex digits',
  })
  .refine((r) => r.type !== 'lore' || !/[<>\s]/.test(r.id), {
    message: 'a lore reference id is a bare Message-ID, without <> or spaces',
  });

/**
 * One trigger: every field given must hold for the same fact (a conjunction);
 * an entry fires when any of its triggers does.
 */
const triggerSchema = z
  .object({
    /** Exact symbol names (identifiers, ops as ".op", messages, files are not symbols). */
    symbols: z.array(z.string().min(1)).optional(),
    /** Regular expressions over symbol names; checked for catastrophic backtracking at load. */
    symbolPatterns: z.array(z.string().min(1)).optional(),
    /** Fact kinds this trigger accepts (default: any). */
    facts: z.array(z.enum(FACT_KINDS)).optional(),
    /** Globs over the file path the fact is in. */
    files: z.array(z.string().min(1)).optional(),
    /** File paths the fact must NOT be in. */
    notFiles: z.array(z.string().min(1)).optional(),
    /** Regular expressions over the text of the changed line that produced the fact. */
    lines: z.array(z.string().min(1)).optional(),
    /** Regular expressions over the name of the function the fact is in (a fact outside any function never matches). */
    functions: z.array(z.string().min(1)).optional(),
    /** Severity for findings raised through this trigger (default: the entry's). */
    severity: z.enum(SEVERITIES).optional(),
  })
  .strict()
  .refine((t) => Object.keys(t).some((k) => k !== 'severity'), { message: 'a trigger needs at least one condition' });

const historySchema = z
  .object({
    /** "Linux 5.8", "QEMU 6.0", "virtio 1.1", "vhost-user spec". */
    version: z.string().min(1),
    change: z.string().min(1),
    commit: z.string().regex(/^[0-9a-f]{12,40}$/).optional(),
    messageId: z.string().optional(),
  })
  .strict();

export const entrySchema = z
  .object({
    id: z.string().regex(idPattern, 'ids are lower-case words joined by "-"'),
    title: z.string().min(1),
    area: z.enum(AREAS),
    category: z.enum(CATEGORIES),
    severity: z.enum(SEVERITIES),
    /** One or two sentences: why a change here matters. Becomes the finding's message. */
    summary: z.string().min(20),
    /** The uAPI / in-kernel symbols this entry documents (coverage, site symbol pages, default trigger). */
    symbols: z.array(z.string().min(1)).min(1),
    /** When to raise a finding. Absent: any fact that touches one of `symbols`. */
    triggers: z.array(triggerSchema).optional(),
    checklist: z.array(z.string().min(10)).min(1),
    consumers: z.array(z.enum(CONSUMERS)).min(1),
    since: z.string().optional(),
    history: z.array(historySchema).optional(),
    references: z.array(referenceSchema).min(1),
    related: z.array(z.string().regex(idPattern)).optional(),
  })
  .strict();

export type EntryFrontmatter = z.infer<typeof entrySchema>;
export type Trigger = z.infer<typeof triggerSchema>;
