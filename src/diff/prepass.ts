// The pre-pass in front of parse-diff: cuts a unified diff into per-file segments using the
// hunk headers' line counts (so signatures, trailing prose and binary data never become hunk
// lines), and collects what parse-diff does not model: renames, copies, modes, binary files,
// and damage (hunks whose text does not match their counts).

export interface FileSegment {
  oldPath: string | null;
  newPath: string | null;
  status: 'added' | 'deleted' | 'modified' | 'renamed' | 'copied';
  binary: boolean;
  oldMode?: string;
  /** Blob ids from the "index OLD..NEW" line (abbreviated as git wrote them). */
  oldBlob?: string;
  newBlob?: string;
  newMode?: string;
  /** "--- a\n+++ b\n@@ …" text of this file's hunks, exactly as counted. */
  hunkText: string;
  damaged?: string;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
/** Upper bound on hunk lines we trust a header for; a bigger count is damage, not a patch. */
const MAX_HUNK_LINES = 5_000_000;

export function isDiffStart(lines: string[], i: number): boolean {
  const l = lines[i];
  if (l === undefined) return false;
  if (l.startsWith('diff --git ') || l.startsWith('diff --cc ')) return true;
  return l.startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ') && HUNK.test(lines[i + 2] ?? '');
}

export function splitFiles(text: string): FileSegment[] {
  const lines = text.split('\n');
  const files: FileSegment[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!isDiffStart(lines, i)) {
      i++;
      continue;
    }
    const seg: FileSegment = { oldPath: null, newPath: null, status: 'modified', binary: false, hunkText: '' };
    const out: string[] = [];
    if (lines[i]!.startsWith('diff --')) {
      const paths = parseGitHeaderPaths(lines[i]!);
      seg.oldPath = paths?.[0] ?? null;
      seg.newPath = paths?.[1] ?? null;
      i++;
      // Extended header lines.
      for (; i < lines.length; i++) {
        const l = lines[i]!;
        if (l.startsWith('diff --') || l.startsWith('--- ') || l.startsWith('@@ ')) break;
        if (l.startsWith('index ')) {
          const ids = /^index ([0-9a-f]{4,64})\.\.([0-9a-f]{4,64})/.exec(l);
          if (ids) {
            seg.oldBlob = ids[1]!;
            seg.newBlob = ids[2]!;
          }
        } else if (l.startsWith('old mode ')) seg.oldMode = l.slice(9).trim();
        else if (l.startsWith('new mode ')) seg.newMode = l.slice(9).trim();
        else if (l.startsWith('deleted file mode ')) {
          seg.status = 'deleted';
          seg.oldMode = l.slice(18).trim();
        } else if (l.startsWith('new file mode ')) {
          seg.status = 'added';
          seg.newMode = l.slice(14).trim();
        } else if (l.startsWith('rename from ')) {
          seg.status = 'renamed';
          seg.oldPath = unquote(l.slice(12));
        } else if (l.startsWith('rename to ')) seg.newPath = unquote(l.slice(10));
        else if (l.startsWith('copy from ')) {
          seg.status = 'copied';
          seg.oldPath = unquote(l.slice(10));
        } else if (l.startsWith('copy to ')) seg.newPath = unquote(l.slice(8));
        else if (l.startsWith('Binary files ') || l === 'GIT binary patch') {
          seg.binary = true;
          i = skipBinary(lines, i + 1);
          break;
        } else if (!/^(index |similarity index |dissimilarity index )/.test(l)) break;
      }
    }
    if (!seg.binary && (lines[i] ?? '').startsWith('--- ') && (lines[i + 1] ?? '').startsWith('+++ ')) {
      const plain = seg.oldPath === null && seg.newPath === null; // no "diff --git" header
      const from = plain ? stripTreeDir(stripPrefix(lines[i]!.slice(4))) : stripPrefix(lines[i]!.slice(4));
      const to = plain ? stripTreeDir(stripPrefix(lines[i + 1]!.slice(4))) : stripPrefix(lines[i + 1]!.slice(4));
      if (from === null) seg.status = 'added';
      if (to === null) seg.status = 'deleted';
      seg.oldPath = from ?? (seg.status === 'added' ? null : seg.oldPath);
      seg.newPath = to ?? (seg.status === 'deleted' ? null : seg.newPath);
      out.push(lines[i]!, lines[i + 1]!);
      i += 2;
      i = readHunks(lines, i, out, seg);
    }
    if (seg.status === 'added') seg.oldPath = null;
    if (seg.status === 'deleted') seg.newPath = null;
    seg.hunkText = out.join('\n');
    if (seg.oldPath !== null || seg.newPath !== null) files.push(seg);
  }
  return files;
}

function readHunks(lines: string[], start: number, out: string[], seg: FileSegment): number {
  let i = start;
  while (i < lines.length) {
    const m = HUNK.exec(lines[i]!);
    if (!m) break;
    let oldLeft = m[2] === undefined ? 1 : Number(m[2]);
    let newLeft = m[4] === undefined ? 1 : Number(m[4]);
    if (oldLeft + newLeft > MAX_HUNK_LINES) {
      seg.damaged = `hunk header "${lines[i]!.slice(0, 60)}" claims more lines than any real patch`;
      return i + 1;
    }
    out.push(lines[i]!);
    i++;
    while ((oldLeft > 0 || newLeft > 0) && i < lines.length) {
      const l = lines[i]!;
      const c = l[0];
      if (c === ' ' || l === '') {
        // An empty line is an empty context line whose space a mailer stripped (git accepts it).
        if (oldLeft === 0 || newLeft === 0) break;
        out.push(l === '' ? ' ' : l);
        oldLeft--;
        newLeft--;
      } else if (c === '-') {
        if (oldLeft === 0) break;
        out.push(l);
        oldLeft--;
      } else if (c === '+') {
        if (newLeft === 0) break;
        out.push(l);
        newLeft--;
      } else if (c === '\\') {
        // "\ No newline" only ever follows a content line (parse-diff relies on that).
        if (!out[out.length - 1]!.startsWith('@@')) out.push(l);
      } else break;
      i++;
    }
    if (oldLeft > 0 || newLeft > 0) {
      seg.damaged ??= `hunk at line ${m[1]} ends ${oldLeft + newLeft} line(s) short of its header's count (wrapped or truncated)`;
      continue;
    }
    if ((lines[i] ?? '').startsWith('\\')) {
      if (!out[out.length - 1]!.startsWith('@@')) out.push(lines[i]!);
      i++;
    }
  }
  return i;
}

/** Binary patch data runs until the next diff header. */
function skipBinary(lines: string[], i: number): number {
  while (i < lines.length && !lines[i]!.startsWith('diff --')) i++;
  return i;
}

/** "a/foo" → "foo"; "/dev/null" → null; a timestamp after a tab is dropped. */
function stripPrefix(raw: string): string | null {
  let p = unquote(raw.split('\t')[0]!.trimEnd());
  if (p === '/dev/null') return null;
  if (/^[ab]\//.test(p)) p = p.slice(2);
  return p;
}

const TOP_DIRS = /^(drivers|include|Documentation|arch|kernel|mm|net|fs|lib|tools|scripts|sound|security|virt|block|crypto|init|ipc|samples|usr|rust|io_uring|hw|docs|subprojects|contrib|target|accel|linux-headers|migration|qapi|system|softmmu|ui|util|tests|crates|src)\//;

/**
 * Plain "diff -up linux.orig/x linux/x" output carries the tree's directory as the first
 * component; strip it (as patch -p1 and git apply do) unless the path already starts at a
 * well-known top-level directory of the kernel or QEMU.
 */
function stripTreeDir(p: string | null): string | null {
  if (p === null || TOP_DIRS.test(p) || !p.includes('/')) return p;
  return p.slice(p.indexOf('/') + 1);
}

function unquote(p: string): string {
  const t = p.trim();
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) {
    return t.slice(1, -1).replace(/\\(["\\])/g, '$1').replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  }
  return t;
}

/** "diff --git a/x b/y": split at the " b/" that makes both halves plausible. */
function parseGitHeaderPaths(line: string): [string, string] | null {
  const rest = line.replace(/^diff --(?:git|cc) /, '');
  const q = /^"((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/.exec(rest);
  if (q) return [stripPrefix(`"${q[1]}"`) ?? '', stripPrefix(`"${q[2]}"`) ?? ''];
  // Same path on both sides is the common case: a/P b/P.
  if (rest.startsWith('a/')) {
    const half = (rest.length - 1) / 2;
    if (Number.isInteger(half) && rest.slice(half + 1, half + 3) === 'b/' && rest.slice(2, half) === rest.slice(half + 3)) {
      return [rest.slice(2, half), rest.slice(half + 3)];
    }
  }
  const at = rest.indexOf(' b/');
  if (at > 0) return [stripPrefix(rest.slice(0, at)) ?? '', rest.slice(at + 3)];
  return null;
}
