// The spec module's public surface: what the CLI, the knowledge-base linter, the report
// and the analysis stage import.

export { indexVirtioSpec, buildVirtioSpecIndex } from './virtio-spec.js';
export { indexVhostUser, parseVhostUser } from './vhost-user.js';
export { resolveSpecLabel, findSpecSection, publishedSpecUrl, VIRTIO_SPEC_HTML, type ResolvedLabel } from './spec-links.js';
export {
  checkFeatureBitAgainstSpec,
  checkVhostUserId,
  featureDeviceType,
  specFeatureName,
  type SpecConflict,
  type SpecConflictKind,
} from './checks.js';
export { loadSpecIndex, parseSpecIndex, serializeSpecIndex, makeSpecIndexFile, specCounts } from './spec-index.js';
export * from './types.js';
