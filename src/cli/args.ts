// Command-line parsing shared by the subcommands: node:util parseArgs, with its errors turned
// into one-line usage errors that end with the command's usage.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../model/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<const T extends Options>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; ${usage}`);
  }
}
