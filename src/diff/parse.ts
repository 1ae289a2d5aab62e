// Unified diff text → FileDiff[]: our pre-pass cuts and classifies, parse-diff reads the hunks.
import parseDiff from 'parse-diff';
import type { DiffLine, FileDiff, Hunk } from '../model/diff.js';
import { splitFiles } from './prepass.js';
import { fileRole } from './file-role.js';

export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  for (const seg of splitFiles(text)) {
    const path = seg.newPath ?? seg.oldPath ?? '';
    const hunks: Hunk[] = [];
    let additions = 0;
    let deletions = 0;
    if (seg.hunkText) {
      for (const pf of parseDiff(seg.hunkText)) {
        for (const chunk of pf.chunks) {
          const lines: DiffLine[] = [];
          for (const ch of chunk.changes) {
            if (ch.content.startsWith('\\')) continue; // "\ No newline at end of file"
            const text = ch.content.slice(1);
            if (ch.type === 'add') {
              lines.push({ kind: '+', text, oldLine: null, newLine: ch.ln });
              additions++;
            } else if (ch.type === 'del') {
              lines.push({ kind: '-', text, oldLine: ch.ln, newLine: null });
              deletions++;
            } else lines.push({ kind: ' ', text, oldLine: ch.ln1, newLine: ch.ln2 });
          }
          hunks.push({
            oldStart: chunk.oldStart,
            oldLines: chunk.oldLines,
            newStart: chunk.newStart,
            newLines: chunk.newLines,
            section: chunk.content.replace(/^@@[^@]*@@ ?/, ''),
            lines,
          });
        }
      }
    }
    const file: FileDiff = {
      oldPath: seg.oldPath,
      newPath: seg.newPath,
      path,
      status: seg.status,
      binary: seg.binary,
      hunks,
      additions,
      deletions,
      role: fileRole(path),
    };
    if (seg.oldMode) file.oldMode = seg.oldMode;
    if (seg.newMode) file.newMode = seg.newMode;
    if (seg.oldBlob) file.oldBlob = seg.oldBlob;
    if (seg.newBlob) file.newBlob = seg.newBlob;
    if (seg.damaged) file.damaged = seg.damaged;
    files.push(file);
  }
  return files;
}
