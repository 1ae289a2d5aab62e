// The compatibility class every uAPI fact carries, and the shared vocabulary for names.
import type { Fact } from '../../model/facts.js';

export type Compat = NonNullable<Fact['compat']>;
export type CompatClassName = Compat['class'];

export const compat = (cls: CompatClassName, reason: string): Compat => ({ class: cls, reason });

/** Bounds a sentinel: FOO_MAX, __FOO_MAX, FOO_NR, NR_FOO, FOO_NUM_X, FOO_COUNT, FOO_LAST, FOO_END, FOO_NEXT_X. */
export const SENTINEL = /(^|_)(MAX|NR|NUM|COUNT|LAST|END|LIMIT)$|^__\w*MAX\w*$|(^|_)(NUM|NR|NEXT)_[A-Z]|_NEXT$/;

/** Members that exist only to hold space. */
export const RESERVED_NAME = /^_*(reserved|rsvd|resv|res\d*|pad|padding|unused|spare|__pad)\w*$/i;

/** A first member that tells the kernel the caller's struct size. */
export const SIZE_MEMBER = /^(argsz|size|struct_size)$/;
