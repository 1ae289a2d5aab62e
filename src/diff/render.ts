// FileDiff[] → unified diff text: the inverse of parse.ts for text hunks (used to quote hunks
// back, and by the round-trip tests that keep the parser honest).
import type { FileDiff } from '../model/diff.js';

export function renderUnifiedDiff(files: FileDiff[]): string {
  const out: string[] = [];
  for (const f of files) {
    const a = f.oldPath ?? f.newPath ?? f.path;
    const b = f.newPath ?? f.oldPath ?? f.path;
    out.push(`diff --git a/${a} b/${b}`);
    if (f.status === 'added') out.push(`new file mode ${f.newMode ?? '100644'}`);
    if (f.status === 'deleted') out.push(`deleted file mode ${f.oldMode ?? '100644'}`);
    if (f.status === 'renamed') out.push(`rename from ${a}`, `rename to ${b}`);
    if (f.status === 'modified' && f.oldMode && f.newMode) out.push(`old mode ${f.oldMode}`, `new mode ${f.newMode}`);
    if (f.binary) {
      out.push(`Binary files ${f.status === 'added' ? '/dev/null' : 'a/' + a} and ${f.status === 'deleted' ? '/dev/null' : 'b/' + b} differ`);
      continue;
    }
    if (f.hunks.length === 0) continue;
    out.push(`--- ${f.status === 'added' ? '/dev/null' : 'a/' + a}`, `+++ ${f.status === 'deleted' ? '/dev/null' : 'b/' + b}`);
    for (const h of f.hunks) {
      out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@${h.section ? ' ' + h.section : ''}`);
      for (const l of h.lines) out.push(l.kind + l.text);
    }
  }
  return out.join('\n') + '\n';
}
