// What ingest hands to the diff stage: one patch, from a mail, a file or git.

export interface SubjectPrefix {
  /** Everything inside the leading [...] groups, e.g. ["PATCH", "net-next", "v8", "10/10"]. */
  tags: string[];
  version: number; // 1 when absent
  index: number | null; // 10 in 10/12
  total: number | null; // 12 in 10/12
  rfc: boolean;
  /** "Re:" / "Fwd:" / "AW:" in front: a reply, not a patch submission. */
  reply: boolean;
}

export interface Trailer {
  key: string; // canonical case: "Signed-off-by"
  value: string;
}

export interface Patch {
  /** Where it came from: "file.patch", "series.mbox#12", "<stdin>", "git:abc123". */
  source: string;
  subject: string; // without the [..] prefix
  rawSubject: string;
  prefix: SubjectPrefix;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  author: string;
  /** The mail's To and Cc addresses (decoded, one per entry), for a reply to all; absent for bare diffs. */
  to?: string[];
  cc?: string[];
  date: string;
  commitMessage: string;
  trailers: Trailer[];
  /** The unified diff text (from the first diff header), LF line ends. */
  diff: string;
  /** Problems of the transport: format=flowed, damaged base64. */
  transport: { flowed: boolean; damagedEncoding: boolean };
}
