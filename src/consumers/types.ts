// What the consumers index records: one row per place a userspace project uses a uAPI symbol.

/** How the code uses the symbol, read from the syntax around it. */
export const USE_KINDS = [
  'ioctl', // issues the ioctl
  'handles', // a case / match arm / comparison on the value (a message or ioctl handled)
  'sends', // sends the vhost-user message
  'struct-build', // fills the struct (fields in detail)
  'struct-read', // reads fields of the struct (fields in detail)
  'struct-size', // takes its size (sizeof / size_of)
  'feature-test', // tests the bit
  'feature-set', // sets the bit
  'feature-mask', // clears / masks the bit out
  'negotiates', // computes the features to enable (the pattern says how)
  'defines', // declares the name (bindings, enums)
  'mention', // named in some other way
] as const;
export type UseKind = (typeof USE_KINDS)[number];

/** The patterns that decide whether a kernel change breaks the consumer. */
export const PATTERNS = [
  'features-intersect', // features = acked & available: a newly offered bit is enabled when acked
  'features-allow-list', // an explicit list of known bits: a new bit stays off
  'size-sizeof', // size taken from sizeof of the consumer's own copy of the struct
  'size-field', // an argsz / size field is filled in
  'errno-handled', // some errnos are handled (listed in the detail)
  'errno-fatal', // any failure is an error
  'reply-awaited', // REPLY_ACK / need_reply: waits for the backend's answer
  'reply-not-awaited', // sends without waiting for an answer
] as const;
export type Pattern = (typeof PATTERNS)[number];

export interface UseSite {
  symbol: string;
  file: string;
  line: number;
  function: string | null;
  kind: UseKind;
  /** Fields, errnos or the expression, by kind. */
  detail: string;
  pattern: Pattern | null;
  /** What the pattern saw: masked bits, allow-list members, errnos. */
  patternDetail: string;
}

/** A use with the checkout it came from, as queries return it. */
export interface IndexedUse extends UseSite {
  project: string;
  version: string;
}
