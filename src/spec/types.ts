// The shapes of the spec indexes. Everything here is plain data so an index can be
// written to JSON and read back. Statement texts are derived at run time from the
// user's own copy of the documents and are never committed to the repository.

export const HEADING_LEVELS = ['chapter', 'section', 'subsection', 'subsubsection', 'paragraph', 'subparagraph'] as const;
export type HeadingLevel = (typeof HEADING_LEVELS)[number];

/** RFC 2119 / RFC 8174 keywords, upper case only (lower-case words are not normative). */
export const NORMATIVE_KEYWORDS = [
  'MUST NOT',
  'MUST',
  'SHALL NOT',
  'SHALL',
  'SHOULD NOT',
  'SHOULD',
  'NOT RECOMMENDED',
  'RECOMMENDED',
  'MAY',
  'REQUIRED',
  'OPTIONAL',
] as const;
export type NormativeKeyword = (typeof NORMATIVE_KEYWORDS)[number];

export interface SourcePosition {
  /** Path relative to the spec directory, e.g. "device-types/net/description.tex". */
  file: string;
  line: number;
}

export interface SpecSection extends SourcePosition {
  /** As the published document numbers it: "2.1", "5.1.6.4", "A". */
  number: string;
  /** LaTeX markup stripped. */
  title: string;
  /** The label the heading carries ("sec:...", "devicenormative:..."), or null when it has none. */
  label: string | null;
  /** Every label defined inside the section's own text (the heading's label first). */
  labels: string[];
  level: HeadingLevel;
  /** Number of the enclosing section, null for chapters. */
  parent: string | null;
  /** Set on "Device Requirements: ..." / "Driver Requirements: ..." headings. */
  normative?: 'device' | 'driver';
  appendix?: boolean;
}

export interface NormativeStatement extends SourcePosition {
  /** The first keyword of the sentence. */
  keyword: NormativeKeyword;
  /** All keywords of the sentence, in order (a sentence can say MUST ... and MUST NOT ...). */
  keywords: NormativeKeyword[];
  /** The sentence, markup stripped, references replaced by section numbers. */
  text: string;
}

export interface NormativeBlock extends SourcePosition {
  kind: 'device' | 'driver';
  /** The title argument ("Device Status Field"). */
  title: string;
  /** "devicenormative:..." / "drivernormative:..." */
  label: string;
  /** The block's own heading number. */
  number: string;
  /** The number of the section the block belongs to (its heading's parent). */
  section: string | null;
  statements: NormativeStatement[];
}

export interface DeviceType {
  /** The directory under device-types/ ("net", "blk", ...). */
  key: string;
  title: string;
  /** From the device type's "Device ID" subsection. */
  id: number | null;
  section: string;
  label: string | null;
  /** Prefix of its feature-bit names, e.g. "VIRTIO_NET_F_". */
  featurePrefix: string;
}

/** deviceType for the bits of the "Reserved Feature Bits" chapter (VIRTIO_F_*). */
export const DEVICE_INDEPENDENT = 'device-independent';

export interface FeatureBit extends SourcePosition {
  name: string;
  bit: number;
  /** A DeviceType key, or DEVICE_INDEPENDENT. */
  deviceType: string;
  /** Number of the section that defines it. */
  section: string;
  /** Label of that section (for links), if it has one. */
  label: string | null;
  /** Defined in a "Legacy Interface" section. */
  legacy: boolean;
}

export type ReservedRangeKind = 'device-specific' | 'device-independent' | 'future' | 'unknown';

export interface ReservedRange {
  from: number;
  /** Inclusive; null means "and above". */
  to: number | null;
  kind: ReservedRangeKind;
  section: string;
}

export interface StatusBit {
  name: string;
  value: number;
  section: string;
}

export interface DeviceId {
  id: number;
  name: string;
}

export interface VirtioSpecCounts {
  sections: number;
  chapters: number;
  labels: number;
  normativeSections: number;
  deviceNormativeSections: number;
  driverNormativeSections: number;
  /** Sentences with at least one keyword, inside normative sections. */
  normativeStatements: number;
  /** MUST and MUST NOT occurrences inside normative sections. */
  mustStatements: number;
  mustNotStatements: number;
  shouldStatements: number;
  mayStatements: number;
  deviceTypes: number;
  featureBits: number;
  deviceIndependentFeatureBits: number;
  reservedRanges: number;
  statusBits: number;
  deviceIds: number;
}

export interface VirtioSpecIndex {
  kind: 'virtio-spec';
  /** Contents of the REVISION file, e.g. "virtio-v1.4-cs01", when present. */
  revision: string | null;
  /** Files in the order the document reads them. */
  files: string[];
  sections: SpecSection[];
  normativeBlocks: NormativeBlock[];
  deviceTypes: DeviceType[];
  featureBits: FeatureBit[];
  reservedRanges: ReservedRange[];
  statusBits: StatusBit[];
  deviceIds: DeviceId[];
  /** Things in the sources that look wrong (missing inputs, unlabelled headings, bits outside their range). */
  issues: string[];
  counts: VirtioSpecCounts;
}

// ---- vhost-user ----

export type VhostUserDirection = 'front-end' | 'back-end';

/**
 * true: always answered; false: never; 'if-need-reply': only when REPLY_ACK is negotiated and
 * the sender sets need_reply; 'conditional': answered under the condition in replyCondition;
 * 'disputed': the document says different things in different places (see contradictions).
 */
export type ReplyRequired = boolean | 'if-need-reply' | 'conditional' | 'disputed';

export interface VhostUserMessage {
  name: string;
  /** Earlier names ("previous name ``VHOST_USER_SLAVE_...``"). */
  previousNames: string[];
  id: number;
  direction: VhostUserDirection;
  replyRequired: ReplyRequired;
  replyCondition?: string;
  /** Null when the document says N/A or gives no equivalent ioctl field. */
  equivalentIoctl: string | null;
  /** The field as written (markup stripped), e.g. "N/A (equivalent to VHOST_IOTLB_MSG message type)". */
  equivalentIoctlText: string | null;
  requestPayload: string | null;
  replyPayload: string | null;
  /** Whether the front-end sends file descriptors with it (Communication section list). */
  sendsFds: boolean | 'conditional';
  deprecated: boolean;
  line: number;
}

export interface VhostUserProtocolFeature {
  name: string;
  bit: number;
  line: number;
}

export interface VhostUserContradiction {
  kind:
    | 'listed-reply-without-payload'
    | 'reply-payload-not-listed'
    | 'listed-message-unknown'
    | 'undefined-protocol-feature'
    | 'duplicate-id'
    | 'duplicate-bit'
    | 'equivalent-ioctl-is-message';
  subject: string;
  /** One sentence in our words saying which places disagree. */
  message: string;
  lines: number[];
}

export interface VhostUserRingRule {
  /** The paragraph or bullet, markup stripped (derived at run time). */
  text: string;
  /** Requirement words found in it, lower-cased (must, must not, should, ...); may be empty. */
  keywords: string[];
  section: string;
  line: number;
}

export interface VhostUserCounts {
  messages: number;
  frontEndMessages: number;
  backEndMessages: number;
  protocolFeatures: number;
  repliesRequired: number;
  repliesConditional: number;
  repliesIfNeedReply: number;
  repliesDisputed: number;
  contradictions: number;
  ringRules: number;
}

export interface VhostUserIndex {
  kind: 'vhost-user';
  messages: VhostUserMessage[];
  protocolFeatures: VhostUserProtocolFeature[];
  /** Virtio-level feature bits the document defines (VHOST_USER_F_PROTOCOL_FEATURES). */
  featureBits: VhostUserProtocolFeature[];
  ringStates: VhostUserRingRule[];
  contradictions: VhostUserContradiction[];
  counts: VhostUserCounts;
}

/** What `spec index --out` writes. */
export interface SpecIndexFile {
  format: 'patch-review-spec-index';
  version: 1;
  virtio?: VirtioSpecIndex;
  vhostUser?: VhostUserIndex;
}
