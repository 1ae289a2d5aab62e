// Spec-derived facts, only when the user gave a spec index (--spec-index):
// - spec-feature-bit-conflict: a VIRTIO_F_* / VIRTIO_<TYPE>_F_* bit a uAPI header adds or
//   renumbers disagrees with the virtio spec (another bit, a taken bit, a reserved range);
// - spec-vhost-user-id-conflict: a vhost-user message id or protocol-feature bit added in
//   QEMU, libvhost-user or rust-vmm code collides with docs/interop/vhost-user.rst.
import type { Fact } from '../../model/facts.js';
import type { FileDiff, Hunk } from '../../model/diff.js';
import type { AnnotatedHunk, AnnotatedLine } from '../annotate.js';
import type { PatchScope } from '../uapi/scope.js';
import { lineFact } from './types.js';
import { defineChanges } from '../uapi/define-changes.js';
import { evalExpr } from '../uapi/expr.js';
import { checkFeatureBitAgainstSpec, checkVhostUserId, featureDeviceType, type SpecConflict } from '../../spec/checks.js';
import type { VhostUserDirection, VhostUserIndex, VirtioSpecIndex } from '../../spec/types.js';

export function specCheckFacts(scope: PatchScope): Fact[] {
  const spec = scope.ctx.spec;
  if (!spec) return [];
  const out: Fact[] = [];
  if (spec.virtio) featureBitFacts(scope, spec.virtio, out);
  if (spec.vhostUser) vhostUserIdFacts(scope, spec.vhostUser, out);
  return out;
}

// ---- virtio feature bits ----

const FEATURE_NAME = /^VIRTIO_(?:[A-Z0-9]+_)*F_[A-Z0-9_]+$/;
/** Feature numbers are small; anything else is not a bit number (a mask, a typo). */
const MAX_FEATURE_BIT = 1023;

function featureBitFacts(scope: PatchScope, index: VirtioSpecIndex, out: Fact[]): void {
  for (const { file, hunks } of scope.files) {
    if (file.role !== 'uapi-header' || file.binary || hunks.length === 0) continue;
    const ch = defineChanges(file, hunks);
    for (const at of [...ch.added, ...ch.changed.map((c) => c.new)]) {
      const { name, value, params } = at.def;
      // Only names of a device type the spec knows, or VIRTIO_F_*: VIRTIO_SND_PCM_F_* and
      // VIRTIO_TRANSPORT_F_START are not feature bits.
      if (params !== null || !FEATURE_NAME.test(name) || featureDeviceType(index, name) === undefined) continue;
      const v = evalExpr(value, scope.newResolveLocal);
      if (v === null || v < 0n || v > BigInt(MAX_FEATURE_BIT)) continue;
      const bit = Number(v);
      for (const c of checkFeatureBitAgainstSpec(index, name, bit)) {
        out.push(lineFact('spec-feature-bit-conflict', name, file, at.at, { detail: `${name} = ${bit}: ${c.message}${sectionNote(index, c)}` }));
      }
    }
  }
}

/** " (sec:Device Types / ...)", with "spec §N" when the message lacks it: where a reader checks the allocation. */
function sectionNote(index: VirtioSpecIndex, c: SpecConflict): string {
  const number = c.existing?.section;
  if (!number) return '';
  const label = c.existing?.label ?? index.sections.find((s) => s.number === number)?.label ?? null;
  const parts = [c.message.includes(number) ? null : `spec §${number}`, label].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

// ---- vhost-user ids ----

/** Where the wire tables live: QEMU, libvhost-user, rust-vmm's message.rs. */
const VHOST_USER_CODE =
  /(?:^|\/)(?:hw\/virtio\/vhost-user[^/]*\.c|include\/hw\/virtio\/vhost-user[^/]*\.h|(?:subprojects|contrib)\/libvhost-user\/[^/]+\.[ch]|vhost_user\/message\.rs)$/;

type Table = { kind: 'message'; direction: VhostUserDirection } | { kind: 'protocol-feature' };

/** The table an enum (or rust bitflags struct) holds, by its name; null for other enums. */
function tableOf(name: string): Table | null {
  if (/Backend|Slave/.test(name) && /Req/.test(name)) return { kind: 'message', direction: 'back-end' };
  if (/^(?:VhostUserRequest|FrontendReq|MasterReq)$/.test(name)) return { kind: 'message', direction: 'front-end' };
  if (/^VhostUserProtocolFeatures?$/.test(name)) return { kind: 'protocol-feature' };
  return null;
}

const ENUM_START = /\b(?:enum|struct)\s+([A-Za-z_]\w*)/;
const C_MEMBER = /^\s*(VHOST_USER_[A-Z0-9_]+)\s*=\s*(0x[0-9a-fA-F]+|\d+)\s*,?\s*(?:\/[/*].*)?$/;
const C_DEFINE = /^\s*#\s*define\s+(VHOST_USER_PROTOCOL_F_[A-Z0-9_]+)\s+\(?\s*(0x[0-9a-fA-F]+|\d+)\s*\)?\s*(?:\/[/*].*)?$/;
const RUST_MEMBER = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(0x[0-9a-fA-F_]+|\d+)\s*,\s*(?:\/\/.*)?$/;
const RUST_FLAG = /^\s*const\s+([A-Z][A-Z0-9_]*)\s*=\s*(0x[0-9a-fA-F_]+|\d+)\s*(?:<<\s*(\d+))?\s*;/;

interface Defined {
  kind: 'message' | 'protocol-feature';
  direction?: VhostUserDirection;
  /** The name as vhost-user.rst spells it. */
  name: string;
  id: number;
  line: AnnotatedLine;
}

function vhostUserIdFacts(scope: PatchScope, index: VhostUserIndex, out: Fact[]): void {
  for (const { file, hunks } of scope.files) {
    if (file.binary || hunks.length === 0 || !VHOST_USER_CODE.test(file.path)) continue;
    const rust = file.path.endsWith('.rs');
    const removed = new Set<string>();
    const added: Defined[] = [];
    hunks.forEach((h, i) => {
      for (const d of definitions(file.hunks[i]!, h, rust)) {
        if (d.line.kind === '-') removed.add(key(d));
        else if (d.line.kind === '+') added.push(d);
      }
    });
    for (const d of added) {
      // A line moved or reformatted with the same value is not a new definition.
      if (removed.has(key(d))) continue;
      for (const c of checkVhostUserId(index, d.kind, d.direction, d.name, d.id)) {
        const where = d.kind === 'protocol-feature' ? 'Protocol features' : d.direction === 'back-end' ? 'Back-end message types' : 'Front-end message types';
        out.push(lineFact('spec-vhost-user-id-conflict', d.name, file, d.line, { detail: `${d.name} = ${d.id}: ${c.message} (vhost-user.rst, "${where}"${c.existing?.line ? `, line ${c.existing.line}` : ''})` }));
      }
    }
  }
}

const key = (d: Defined) => `${d.kind} ${d.direction ?? ''} ${d.name} ${d.id}`;

/** Definitions of wire numbers on every line of a hunk, with the table each belongs to. */
function* definitions(raw: Hunk, hunk: AnnotatedHunk, rust: boolean): Generator<Defined> {
  let table: Table | null = tableFrom(raw.section);
  for (const l of hunk.lines) {
    const code = l.code;
    const start = ENUM_START.exec(code);
    if (start) table = tableOf(start[1]!);
    else if (/^\s*\}/.test(code)) table = null;
    if (rust) {
      yield* rustDefinition(code, table, l);
      continue;
    }
    const def = C_DEFINE.exec(code);
    if (def) {
      yield { kind: 'protocol-feature', name: def[1]!, id: Number(def[2]!), line: l };
      continue;
    }
    const m = C_MEMBER.exec(code);
    if (!m || /_(?:NONE|MAX)$/.test(m[1]!)) continue;
    const name = m[1]!;
    const id = Number(m[2]!);
    // The enum is known from the hunk; failing that, the name says which table it is in.
    const t: Table | null = table ?? (name.startsWith('VHOST_USER_PROTOCOL_F_') ? { kind: 'protocol-feature' } : null);
    if (!t) continue;
    if (t.kind === 'protocol-feature') {
      if (name.startsWith('VHOST_USER_PROTOCOL_F_')) yield { kind: 'protocol-feature', name, id, line: l };
    } else yield { kind: 'message', direction: t.direction, name, id, line: l };
  }
}

function tableFrom(section: string): Table | null {
  const m = ENUM_START.exec(section);
  return m ? tableOf(m[1]!) : null;
}

/** rust-vmm spells members without the VHOST_USER_ prefix and protocol features as masks. */
function* rustDefinition(code: string, table: Table | null, l: AnnotatedLine): Generator<Defined> {
  if (!table) return;
  if (table.kind === 'message') {
    const m = RUST_MEMBER.exec(code);
    if (!m || /^(?:NONE|MAX)$/.test(m[1]!)) return;
    const prefix = table.direction === 'back-end' ? 'VHOST_USER_BACKEND_' : 'VHOST_USER_';
    yield { kind: 'message', direction: table.direction, name: prefix + m[1]!, id: Number(m[2]!.replace(/_/g, '')), line: l };
    return;
  }
  const f = RUST_FLAG.exec(code);
  if (!f) return;
  const mask = BigInt(f[2]!.replace(/_/g, '')) << BigInt(f[3] ?? 0);
  if (mask === 0n || (mask & (mask - 1n)) !== 0n) return;
  yield { kind: 'protocol-feature', name: `VHOST_USER_PROTOCOL_F_${f[1]!}`, id: mask.toString(2).length - 1, line: l };
}
