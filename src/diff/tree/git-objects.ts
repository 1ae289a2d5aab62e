// Reads blobs from a tree's git object store in one `git cat-file --batch` run per patch:
// the ids on a diff's `index` line name the exact files the patch was made against.
import type { SourceTree } from './detect.js';

const ZERO = /^0+$/;
/** Larger blobs are not whole-file material (generated tables, firmware). */
export const MAX_BLOB_BYTES = 4 * 1024 * 1024;

/** id (as asked, possibly abbreviated) → text; missing, ambiguous or oversized ids are left out. */
export function readBlobs(tree: SourceTree, ids: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const want = [...new Set(ids.filter((id) => /^[0-9a-f]{4,64}$/.test(id) && !ZERO.test(id)))];
  if (!tree.git || want.length === 0) return out;
  const cp = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  let stdout: Buffer;
  try {
    stdout = cp.execFileSync('git', ['-C', tree.root, 'cat-file', '--batch'], {
      input: want.join('\n') + '\n',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'ignore'],
      timeout: 20_000,
    });
  } catch {
    return out;
  }
  // "<id> blob <size>\n<bytes>\n" per object, or "<name> missing|ambiguous\n".
  let at = 0;
  for (const id of want) {
    const nl = stdout.indexOf(10, at);
    if (nl < 0) break;
    const header = stdout.subarray(at, nl).toString('latin1').split(' ');
    at = nl + 1;
    if (header[1] !== 'blob' && header.length === 3) {
      at += Number(header[2]) + 1; // a commit or tree by that name: skip its bytes
      continue;
    }
    if (header.length !== 3) continue;
    const size = Number(header[2]);
    if (size <= MAX_BLOB_BYTES) out.set(id, stdout.subarray(at, at + size).toString('utf8'));
    at += size + 1;
  }
  return out;
}
