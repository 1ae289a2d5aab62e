// Facts about the patch as a whole: transport damage and a fix without a Fixes: tag.
import type { Patch } from '../../model/patch.js';
import type { FileDiff } from '../../model/diff.js';
import type { Fact } from '../../model/facts.js';

const FIX_WORDS = /\b(fix(es|ed)?|regression|use-after-free|null[- ]pointer|deadlock|leak|overflow|crash)\b/i;

export function patchFacts(patch: Patch, files: FileDiff[]): Fact[] {
  const out: Fact[] = [];
  if (patch.transport.flowed) {
    out.push({ kind: 'patch-format-damaged', symbol: 'format=flowed', file: null, line: null, detail: 'the mail is format=flowed: long lines may have been re-wrapped and trailing spaces lost' });
  }
  if (patch.transport.damagedEncoding) {
    out.push({ kind: 'patch-format-damaged', symbol: 'base64', file: null, line: null, detail: 'the base64 body is truncated or corrupt' });
  }
  const codeChanged = files.some((f) => f.role !== 'documentation' && f.additions + f.deletions > 0);
  const hasFixes = patch.trailers.some((t) => t.key === 'Fixes');
  if (codeChanged && !hasFixes && FIX_WORDS.test(patch.subject) && !/^revert/i.test(patch.subject)) {
    out.push({ kind: 'fix-without-fixes-tag', symbol: 'Fixes', file: null, line: null, detail: `"${patch.subject}" reads as a fix but has no Fixes: tag` });
  }
  return out;
}
