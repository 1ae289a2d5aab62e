// File-level facts: documentation touched, a uAPI header changed, damaged hunks.
import { basename } from 'node:path';
import type { Fact } from '../../model/facts.js';
import type { FileFactProducer } from './types.js';

export const fileFacts: FileFactProducer = (file) => {
  const out: Fact[] = [];
  // The first added line, else the line after the first removal: where a reviewer starts reading.
  const lines = file.hunks.flatMap((h) => h.lines);
  const line = lines.find((l) => l.kind === '+')?.newLine ?? lines.find((l) => l.newLine !== null)?.newLine ?? null;
  if (file.role === 'documentation' || file.role === 'vhost-user-spec' || file.role === 'virtio-spec') {
    out.push({ kind: 'doc-changed', symbol: file.path, file: file.path, line, detail: `documentation ${file.path} changed` });
  }
  if (file.role === 'uapi-header') {
    out.push({ kind: 'uapi-header-changed', symbol: basename(file.path), file: file.path, line, detail: `uAPI header ${file.path} changed` });
  }
  if (file.damaged) {
    out.push({ kind: 'patch-format-damaged', symbol: 'hunk', file: file.path, line: null, detail: file.damaged });
  }
  return out;
};
