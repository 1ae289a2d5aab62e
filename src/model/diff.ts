// The diff stage's structural output: files, hunks and numbered lines.

export type FileStatus = 'added' | 'deleted' | 'modified' | 'renamed' | 'copied';

export type FileRole =
  | 'uapi-header' // include/uapi/**, QEMU linux-headers/** and include/standard-headers/**
  | 'kernel-header'
  | 'kernel-driver'
  | 'qemu-vhost-user'
  | 'qemu-virtio'
  | 'libvhost-user'
  | 'rust-vmm'
  | 'documentation'
  | 'vhost-user-spec'
  | 'virtio-spec'
  | 'build'
  | 'test'
  | 'other';

export interface DiffLine {
  kind: '+' | '-' | ' ';
  text: string;
  oldLine: number | null;
  newLine: number | null;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the second @@: usually the enclosing function's first line. */
  section: string;
  lines: DiffLine[];
}

export interface FileDiff {
  oldPath: string | null; // null for an added file
  newPath: string | null; // null for a deleted file
  /** The path findings refer to: new path, or old path for a deletion. */
  path: string;
  status: FileStatus;
  binary: boolean;
  oldMode?: string;
  newMode?: string;
  hunks: Hunk[];
  additions: number;
  deletions: number;
  role: FileRole;
  /** Blob ids from the diff's "index OLD..NEW" line, when it has one (all zeros for an added or deleted side). */
  oldBlob?: string;
  newBlob?: string;
  /** Set when the hunk text does not match its header's line counts (wrapped or whitespace-damaged). */
  damaged?: string;
}

/** How many of a patch's files the review read whole from a source tree. */
export interface TreeCoverage {
  /** Files that gain from whole files (C-like files and uAPI headers with hunks). */
  files: number;
  whole: number;
  /** Of `whole`, those whose hunks sat away from their stated lines (the tree drifted). */
  moved: number;
}
