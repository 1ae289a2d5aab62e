// #define changes in uAPI headers: macro and ioctl definitions added, removed or changed.
// A name on both sides is a change only when its value differs (whitespace aside).
import type { Fact } from '../../model/facts.js';
import type { AnnotatedLine } from '../annotate.js';
import { lineFact, type FileFactProducer } from './types.js';

const DEFINE = /^\s*#\s*define\s+([A-Za-z_]\w*)(\([^)]*\))?\s*(.*)$/;
const IOCTL = /\b_IO(?:R|W|WR)?\s*\(/;

interface Def {
  l: AnnotatedLine;
  value: string;
}

function collect(lines: AnnotatedLine[], kind: '+' | '-'): Map<string, Def> {
  const defs = new Map<string, Def>();
  for (const l of lines) {
    if (l.kind !== kind) continue;
    const m = DEFINE.exec(l.code);
    // Include guards (FOO_H, _UAPI_FOO_H) are not part of the ABI.
    if (m && !m[1]!.startsWith('_') && !(/_H$/.test(m[1]!) && m[3]!.trim() === '')) defs.set(m[1]!, { l, value: m[3]!.replace(/\s+/g, ' ').replace(/\\$/, '').trim() });
  }
  return defs;
}

export const uapiDefineFacts: FileFactProducer = (file, hunks) => {
  if (file.role !== 'uapi-header') return [];
  const all = hunks.flatMap((h) => h.lines);
  const added = collect(all, '+');
  const removed = collect(all, '-');
  const out: Fact[] = [];
  for (const [name, a] of added) {
    const r = removed.get(name);
    const isIoctl = IOCTL.test(a.value);
    if (!r) {
      out.push(
        lineFact(isIoctl ? 'ioctl-added' : 'macro-added', name, file, a.l, {
          detail: `${isIoctl ? 'ioctl' : 'constant'} ${name} added (${a.value || 'no value'})`,
          compat: { class: 'compatible', reason: 'a new definition does not change what existing userspace was compiled against' },
        }),
      );
    } else if (r.value !== a.value) {
      out.push(
        lineFact(isIoctl || IOCTL.test(r.value) ? 'ioctl-changed' : 'macro-value-changed', name, file, a.l, {
          detail: `${name} changed from ${r.value} to ${a.value}`,
          compat: { class: 'abi-break', reason: `binaries built against the old headers still use ${r.value}` },
        }),
      );
    }
  }
  for (const [name, r] of removed) {
    if (added.has(name)) continue;
    const isIoctl = IOCTL.test(r.value);
    out.push(
      lineFact(isIoctl ? 'ioctl-removed' : 'macro-removed', name, file, r.l, {
        detail: `${isIoctl ? 'ioctl' : 'constant'} ${name} removed`,
        compat: { class: 'abi-break', reason: 'userspace that uses the name no longer builds, and binaries that use the value lose it' },
      }),
    );
  }
  return out;
};
