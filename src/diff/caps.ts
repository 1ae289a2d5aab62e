// Analysis caps applied before parsing: a diff past them is cut at the first file or hunk
// header beyond a cap, so parsing, analysis and the report only ever see what is analysed.
// The rest is only counted (one linear pass over line starts), for the report to say what
// was left out.

/** Analysis caps per patch: past them the rest is not parsed nor analysed, and the report says so. */
export const MAX_FILES_ANALYSED = 5_000;
export const MAX_HUNKS_ANALYSED = 20_000;

export interface DiffCut {
  /** Offset in the text where the analysed part ends. */
  end: number;
  /** File and hunk headers at or after `end` (a file cut inside is already counted as analysed). */
  filesAfter: number;
  hunksAfter: number;
  /** The cap that was reached. */
  cap: 'files' | 'hunks';
}

/**
 * Where `text` goes past the caps, or null when it stays within them. File headers are
 * "diff --git"/"diff --cc" lines, and "--- "/"+++ " pairs before a hunk outside a git header
 * (a plain diff); hunk headers are "@@ -" lines. Neither can start a hunk's content line.
 */
export function cutAtCaps(text: string, maxFiles = MAX_FILES_ANALYSED, maxHunks = MAX_HUNKS_ANALYSED): DiffCut | null {
  let files = 0;
  let hunks = 0;
  let cut: DiffCut | null = null;
  // Inside a git file header (between "diff --git" and its first hunk): its "---" is not a new file.
  let gitHeader = false;
  for (let pos = 0; pos < text.length; ) {
    const nl = text.indexOf('\n', pos);
    const next = nl < 0 ? text.length : nl + 1;
    let file = false;
    let hunk = false;
    if (text.startsWith('@@ -', pos)) {
      hunk = true;
      gitHeader = false;
    } else if (text.startsWith('diff --git ', pos) || text.startsWith('diff --cc ', pos)) {
      file = true;
      gitHeader = true;
    } else if (!gitHeader && text.startsWith('--- ', pos) && text.startsWith('+++ ', next)) {
      const after = text.indexOf('\n', next);
      file = after >= 0 && text.startsWith('@@ -', after + 1);
    }
    if (cut) {
      if (file) cut.filesAfter++;
      if (hunk) cut.hunksAfter++;
    } else {
      if (file) files++;
      if (hunk) hunks++;
      if (files > maxFiles || hunks > maxHunks) cut = { end: pos, filesAfter: file ? 1 : 0, hunksAfter: hunk ? 1 : 0, cap: files > maxFiles ? 'files' : 'hunks' };
    }
    pos = next;
  }
  return cut;
}

/** The report's sentence on what a cut left out. */
export function cutSummary(files: number, hunks: number, cut: DiffCut): string {
  const cap = cut.cap === 'files' ? `${MAX_FILES_ANALYSED} files` : `${MAX_HUNKS_ANALYSED} hunks`;
  return `only ${files} of ${files + cut.filesAfter} files and ${hunks} of ${hunks + cut.hunksAfter} hunks were analysed (cap reached: ${cap} per patch)`;
}
