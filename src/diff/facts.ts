// The diff stage's entry point: a patch → its files and typed facts.
import type { Patch } from '../model/patch.js';
import type { FileDiff, TreeCoverage } from '../model/diff.js';
import type { Fact } from '../model/facts.js';
import { parseUnifiedDiff } from './parse.js';
import { cutAtCaps, cutSummary } from './caps.js';
import { annotateFile, type AnnotatedHunk } from './annotate.js';
import { describedMentions, symbolFacts } from './facts/symbols.js';
import { functionFacts } from './facts/functions.js';
import { opFacts } from './facts/ops.js';
import { errorReturnFacts } from './facts/errors.js';
import { inputCheckFacts } from './facts/input-checks.js';
import { errorFlowFacts } from './facts/error-flow.js';
import { configReadFacts } from './facts/config-reads.js';
import { ioctlEncodingFacts } from './facts/ioctl-encoding.js';
import { moduleParamFacts } from './facts/module-params.js';
import { waitFacts } from './facts/waits.js';
import { maskFacts, withoutMovedMaskBits } from './facts/masks.js';
import { fileFacts } from './facts/files.js';
import { uapiDefineFacts } from './facts/uapi-defines.js';
import { uapiStructFacts } from './facts/uapi-structs.js';
import { uapiEnumFacts } from './facts/uapi-enums.js';
import { uapiIoctlNumberFacts } from './facts/uapi-ioctl-numbers.js';
import { uapiFlagFacts } from './facts/uapi-flags.js';
import { patchFacts } from './facts/patch-level.js';
import { specCheckFacts } from './facts/spec-checks.js';
import { concurrencyFacts } from './facts/concurrency.js';
import { untrustedFacts } from './facts/untrusted.js';
import { lifetimeFacts } from './facts/lifetime.js';
import { virtioSequenceFacts } from './facts/virtio-sequence.js';
import { netlinkFacts } from './facts/netlink.js';
import { socketSemanticsFacts } from './facts/socket-semantics.js';
import { socketStateFacts, socketCreditFacts, socketTransportFacts, packetOwnershipFacts, vnetHeaderFacts } from './facts/socket-changes.js';
import { packetReleaseFacts } from './facts/packet-release.js';
import { transportLockFacts } from './facts/transport-lock.js';
import { socketEarlyExitFacts } from './facts/socket-early-exit.js';
import { sysfsAbiFacts } from './facts/sysfs-abi.js';
import { withoutNewCodeChanges } from './new-code.js';
import { failurePathFacts } from './facts/failure-paths.js';
import { sysfsRemovedFacts } from './facts/sysfs-removed.js';
import { sizeTypeFacts } from './facts/size-types.js';
import { resetPathFacts } from './facts/reset-paths.js';
import { resetStateFacts } from './facts/reset-state.js';
import { resourceRoleFacts } from './facts/resource-roles.js';
import { replacePathFacts } from './facts/replace-paths.js';
import { stateTableFacts } from './facts/state-tables.js';
import { lockScopeFacts } from './facts/lock-scope.js';
import { guardedFieldFacts } from './facts/guarded-fields.js';
import { kvmReferenceFacts } from './facts/kvm-references.js';
import { publicationOrderFacts } from './facts/publication-order.js';
import { orderingQuestionFacts } from './facts/ordering-questions.js';
import { unwindLabelFacts } from './facts/unwind-labels.js';
import { encodingConstantFacts } from './facts/encoding-constants.js';
import { featureOpFacts } from './facts/feature-ops.js';
import { fallbackFacts } from './facts/fallbacks.js';
import { opsContractFacts } from './facts/ops-contracts.js';
import { waitWhileHoldingFacts } from './facts/wait-while-holding.js';
import { wholeFiles, treeCoverage, type WholeFile } from './tree/whole-file.js';
import { verifyLayouts } from './tree/verify-layouts.js';
import { markUnverified } from './tree/layout-claims.js';
import { patchScope, type AnnotatedFile, type DiffContext, type PatchScope } from './uapi/scope.js';

export type { DiffContext } from './uapi/scope.js';

/** A producer over one file; the patch scope is there for the few that look beyond it. */
export type ScopedFileProducer = (file: FileDiff, hunks: AnnotatedHunk[], scope: PatchScope) => Fact[];

/** Every producer runs on every file; order only affects the order of facts. */
export const FILE_PRODUCERS: ScopedFileProducer[] = [
  fileFacts,
  uapiDefineFacts,
  uapiStructFacts,
  uapiEnumFacts,
  maskFacts,
  opFacts,
  errorReturnFacts,
  inputCheckFacts,
  errorFlowFacts,
  moduleParamFacts,
  waitFacts,
  concurrencyFacts,
  untrustedFacts,
  lifetimeFacts,
  virtioSequenceFacts,
  configReadFacts,
  netlinkFacts,
  socketSemanticsFacts,
  socketStateFacts,
  socketCreditFacts,
  socketTransportFacts,
  packetOwnershipFacts,
  packetReleaseFacts,
  transportLockFacts,
  socketEarlyExitFacts,
  vnetHeaderFacts,
  resetPathFacts,
  resourceRoleFacts,
  replacePathFacts,
  stateTableFacts,
  lockScopeFacts,
  guardedFieldFacts,
  kvmReferenceFacts,
  publicationOrderFacts,
  orderingQuestionFacts,
  waitWhileHoldingFacts,
  unwindLabelFacts,
  encodingConstantFacts,
  featureOpFacts,
  fallbackFacts,
  opsContractFacts,
  functionFacts,
];

/** Producers that need every file of the patch at once (a uAPI flag and the handler that reads it). */
export const PATCH_PRODUCERS: ((scope: PatchScope) => Fact[])[] = [uapiIoctlNumberFacts, uapiFlagFacts, ioctlEncodingFacts, specCheckFacts, sysfsAbiFacts, failurePathFacts, sysfsRemovedFacts, sizeTypeFacts, resetStateFacts];

export interface DiffResult {
  files: FileDiff[];
  facts: Fact[];
  /** Set when the patch was larger than the analysis caps: what was left out. */
  incomplete?: string;
  /** In a source tree: how many files were read whole. */
  tree?: TreeCoverage;
}

/** Why a layout or number claim is a heuristic when the review has no tree. */
export const NO_TREE = 'reviewed from the patch alone: run it inside the kernel tree or pass --tree DIR to have gcc compile the headers';
export { MAX_FILES_ANALYSED, MAX_HUNKS_ANALYSED } from './caps.js';

export function analyzeDiff(patch: Patch, ctx: DiffContext = {}): DiffResult {
  // Cut before parsing: past the caps nothing is parsed, analysed or reported, only counted.
  const cut = cutAtCaps(patch.diff);
  const files = parseUnifiedDiff(cut ? patch.diff.slice(0, cut.end) : patch.diff);
  const incomplete = cut ? cutSummary(files.length, files.reduce((n, f) => n + f.hunks.length, 0), cut) : undefined;
  const facts: Fact[] = [];
  const annotated: AnnotatedFile[] = [];
  // Inside a tree, producers read whole files (one hunk from the first line to the last);
  // the report keeps the patch's own hunks.
  const whole: Map<FileDiff, WholeFile> = ctx.tree ? wholeFiles(files, ctx.tree) : new Map();
  for (const original of files) {
    const file = whole.get(original)?.file ?? original;
    annotated.push({ file, hunks: file.binary || file.hunks.length === 0 ? [] : annotateFile(file) });
  }
  const scope = patchScope(annotated, ctx);
  for (const { file, hunks } of annotated) {
    if (file.binary || file.hunks.length === 0) {
      append(facts, fileFacts(file, []));
      continue;
    }
    const own: Fact[] = [];
    for (const produce of FILE_PRODUCERS) append(own, produce(file, hunks, scope));
    // Last: a bare mention is only a fact where no other fact says what the line does with it.
    append(own, symbolFacts(file, hunks, describedMentions(own)));
    append(facts, withoutNewCodeChanges(own, file, hunks));
  }
  // A feature bit moved between files, or renamed through an alias, is no offer change.
  const offers = withoutMovedMaskBits(facts);
  if (offers !== facts) {
    facts.length = 0;
    append(facts, offers);
  }
  for (const produce of PATCH_PRODUCERS) append(facts, produce(scope));
  append(facts, patchFacts(patch, annotated, facts));
  if (ctx.tree) {
    const tree = ctx.tree;
    const ioctlsTaking = (key: string) =>
      tree.kind === 'kernel' ? (scope.catalogue().ioctlArgs.get(key) ?? []).map((name) => ({ name, header: `linux/${scope.catalogue().byName.get(name)?.file ?? ''}` })) : [];
    verifyLayouts(facts, whole, tree, ioctlsTaking);
  }
  markUnverified(facts, ctx.tree ? `the headers could not be compiled in ${ctx.tree.root}` : NO_TREE);
  const tree = ctx.tree ? { tree: treeCoverage(files, whole) } : {};
  return incomplete ? { files, facts, incomplete, ...tree } : { files, facts, ...tree };
}

/** push(...items) overflows the stack for very large arrays (a 100,000-hunk diff): loop instead. */
function append<T>(target: T[], items: T[]): void {
  for (const x of items) target.push(x);
}
