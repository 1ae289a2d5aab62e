// Facts about the patch as a whole: transport damage and a fix without a Fixes: tag.
import type { Patch } from '../../model/patch.js';
import type { FileDiff } from '../../model/diff.js';
import type { Fact } from '../../model/facts.js';
import { isCLike, type AnnotatedHunk } from '../annotate.js';

/** A commit message that points at the virtio specification (a section, the TC's lists, the repository). */
export const SPEC_MENTION = /virtio[- ]spec|specification|oasis|virtio-comment|virtio-dev|spec (change|patch|section)|VIRTIO_SPEC|github\.com\/oasis-tcs/i;
/** Names the virtio TC allocates: feature bits and device ids. */
const SPEC_ALLOCATED = /^VIRTIO_[A-Z0-9]+_F_[A-Z0-9_]+$|^VIRTIO_F_[A-Z0-9_]+$|^VIRTIO_ID_[A-Z0-9_]+$/;
const VIRTIO_UAPI = /(^|\/)(include\/uapi\/linux|include\/standard-headers\/linux|linux-headers\/linux)\/virtio_[\w-]+\.h$/;

/** The virtio TC's lists, where spec changes and feature reservations are discussed. */
const SPEC_LIST = /\bvirtio-(dev|comment)@/i;

/** Whether the mail copies the virtio TC's lists: the spec's owners see the allocation. */
export function copiesSpecLists(patch: Patch): boolean {
  return [...(patch.to ?? []), ...(patch.cc ?? [])].some((a) => SPEC_LIST.test(a));
}

const FIX_WORDS = /\b(fix(es|ed)?|regression|use-after-free|null[- ]pointer|deadlock|leak|overflow|crash)\b/i;

export function patchFacts(patch: Patch, annotated: { file: FileDiff; hunks: AnnotatedHunk[] }[], facts: Fact[] = []): Fact[] {
  const out: Fact[] = [];
  // A bit or id the virtio TC allocates, defined with no pointer to the spec and without the
  // TC's lists copied (where a reservation is asked for): one fact per patch.
  if (!SPEC_MENTION.test(patch.commitMessage) && !copiesSpecLists(patch)) {
    const defined = facts.find((f) => (f.kind === 'macro-added' || f.kind === 'flag-bit-added' || f.kind === 'enum-value-added') && f.file && VIRTIO_UAPI.test(f.file) && SPEC_ALLOCATED.test(f.symbol));
    if (defined) out.push({ kind: 'feature-without-spec-reference', symbol: defined.symbol, file: defined.file, line: defined.line, detail: `${defined.symbol} is defined in ${defined.file} and the commit message does not point at the virtio specification that allocates it` });
  }
  if (patch.transport.flowed) {
    out.push({ kind: 'patch-format-damaged', symbol: 'format=flowed', file: null, line: null, detail: 'the mail is format=flowed: long lines may have been re-wrapped and trailing spaces lost' });
  }
  if (patch.transport.damagedEncoding) {
    out.push({ kind: 'patch-format-damaged', symbol: 'base64', file: null, line: null, detail: 'the base64 body is truncated or corrupt' });
  }
  const codeChanged = annotated.some(({ file, hunks }) => changesBehaviour(file, hunks));
  const hasFixes = patch.trailers.some((t) => t.key === 'Fixes');
  if (codeChanged && !hasFixes && FIX_WORDS.test(patch.subject) && !/^revert/i.test(patch.subject)) {
    out.push({ kind: 'fix-without-fixes-tag', symbol: 'Fixes', file: null, line: null, detail: `"${patch.subject}" reads as a fix but has no Fixes: tag` });
  }
  return out;
}

/** Build configuration anywhere in the tree (drivers/virtio/Kconfig is a driver's path, not code). */
const BUILD_FILE = /(^|\/)(Makefile|Kbuild|Kconfig[\w.-]*|meson\.build|Cargo\.toml|[\w.-]+\.mk)$/;

/**
 * Whether a file's change can alter what the code does. Documentation, build files, and C
 * changes that touch only comments, string text or white space cannot: a "fix" of a typo, a
 * comment or the build needs no Fixes: tag.
 */
function changesBehaviour(file: FileDiff, hunks: AnnotatedHunk[]): boolean {
  if (file.additions + file.deletions === 0 || file.role === 'documentation' || BUILD_FILE.test(file.path)) return false;
  if (!isCLike(file.path) || file.binary) return true;
  const code = (kind: '+' | '-') => hunks.flatMap((h) => h.lines.filter((l) => l.kind === kind).map((l) => l.code.replace(/\s+/g, ''))).filter((c) => c !== '').join('');
  return code('+') !== code('-');
}
