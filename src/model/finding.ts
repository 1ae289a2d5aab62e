// The one finding type every stage after analysis speaks.

export const CATEGORIES = [
  'uapi-abi',
  'feature-negotiation',
  'behaviour-change-visible-to-userspace',
  'reset-and-mapping-lifecycle',
  'config-space',
  'ordering-race',
  'untrusted-userspace-security',
  'spec-conformance',
  'documentation-missing',
  'patch-format',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['error', 'warning', 'note'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse; used for sorting and for --fail-on. */
export const SEVERITY_RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };

export const REFERENCE_TYPES = ['lore', 'commit', 'spec', 'doc', 'url'] as const;
export type ReferenceType = (typeof REFERENCE_TYPES)[number];

export interface Reference {
  type: ReferenceType;
  /** Message-ID, commit id, spec label, documentation path or URL. */
  id: string;
  /** Optional human title ("vhost: ... (v3)", "Device Status Field"). */
  title?: string;
  url: string;
}

/** Compatibility class of a uAPI finding (issue 4); absent for non-uAPI findings. */
export const COMPAT_CLASSES = ['compatible', 'compatible-if-negotiated', 'behaviour-change', 'abi-break'] as const;
export type CompatClass = (typeof COMPAT_CLASSES)[number];

/** One place a rule fired: a file and new-side line (null: the patch as a whole, or a removed line). */
export interface Place {
  file: string | null;
  line: number | null;
}

export interface Finding {
  ruleId: string;
  category: Category;
  severity: Severity;
  title: string;
  message: string;
  file: string | null;
  /** New-side line number, or null when the finding is about the patch as a whole or a removed line. */
  line: number | null;
  symbols: string[];
  checklist: string[];
  consumers: string[];
  references: Reference[];
  compatClass?: CompatClass;
  /** Every place the rule fired in the patch, this finding's own file and line first (one finding per rule per patch). */
  places?: Place[];
  /** Set when a Patch-Review-Ack trailer acknowledges this rule: printed, but never fails the run. */
  acknowledged?: { reason: string };
  /**
   * With --spec-index: the MUST/SHOULD statements of each cited spec section, read at run time
   * from the user's own index (label = the reference's id). Never stored in the repository.
   */
  specStatements?: { label: string; number: string; statements: { keyword: string; text: string }[] }[];
  /**
   * With --consumers: the real use sites in the user's indexed userspace checkouts that the
   * change touches, with the pattern seen there and why it breaks or not (`consumers` then holds
   * the same as one line each).
   */
  consumerUses?: ConsumerUse[];
}

export interface ConsumerUse {
  project: string;
  version: string;
  file: string;
  line: number;
  function: string | null;
  symbol: string;
  kind: string;
  pattern: string | null;
  verdict: 'breaks' | 'safe' | 'check';
  why: string;
}
