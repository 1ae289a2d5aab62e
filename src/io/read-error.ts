// The one "cannot read X" input error: names the input and why it could not be read, from the
// error's code (ENOENT, EACCES, EISDIR…), with a kinder word for the codes a caller expects.
import { InputError } from '../model/errors.js';

export interface ReadErrorWording {
  /** What was being read, as in "cannot read the index (EACCES)"; empty: "cannot read (EACCES)". */
  what?: string;
  /** Text after the parenthesis, e.g. what to do about it. */
  hint?: string;
  /** Whole problem texts for particular codes, e.g. { ENOENT: 'no such file' }. */
  byCode?: Record<string, string>;
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? 'error';
}

export function cannotRead(input: string, e: unknown, wording: ReadErrorWording = {}): InputError {
  const code = errorCode(e);
  const special = wording.byCode && Object.hasOwn(wording.byCode, code) ? wording.byCode[code] : undefined;
  return new InputError(input, special ?? `cannot read${wording.what ? ` ${wording.what}` : ''} (${code})${wording.hint ?? ''}`);
}
