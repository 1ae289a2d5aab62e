// The variables C code keeps a function's result in ("ret = foo(); if (ret) goto out;"): one list
// for every detector that tells an error result, or a value that is not data, by its name.

/** Names that hold an error code by convention: "return ret;" passes a failure on. */
export const ERROR_RESULT_NAMES: readonly string[] = ['ret', 'err', 'rc', 'r', 'error'];
/**
 * Every name a result is kept in, the longer ones too: they may hold a value on success, so they
 * count only where an errno or a call's result is stored in them (error-flow.ts).
 */
export const RESULT_NAMES: readonly string[] = [...ERROR_RESULT_NAMES, 'retval', 'rv', 'res', 'status'];

/** "ret|err|…": the names as alternatives of a regular expression (they are plain words). */
export const alternativesOf = (names: readonly string[]): string => names.join('|');
