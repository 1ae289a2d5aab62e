// --format F --output FILE pairs: each --output belongs to the --format given before it (not
// to the format at the same position in a list), so "--format text --format sarif --output
// ci.sarif" writes SARIF to ci.sarif and text to stdout.
import { UsageError } from '../model/errors.js';

interface OptionToken {
  kind: string;
  name?: string;
  value?: string | undefined;
}

/** Formats in order, each with the file it goes to (undefined: stdout). */
export function pairFormatOutputs(tokens: readonly OptionToken[], defaultFormat = 'text'): { format: string; output: string | undefined }[] {
  const pairs: { format: string; output: string | undefined }[] = [];
  let loneOutput: string | undefined;
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'format') pairs.push({ format: t.value ?? '', output: undefined });
    else if (t.name === 'output') {
      const last = pairs[pairs.length - 1];
      if (!last) {
        if (loneOutput !== undefined) throw new UsageError('two --output options for one format: give --format before each --output');
        loneOutput = t.value;
      } else if (last.output !== undefined) {
        throw new UsageError(`two --output options follow --format ${last.format}: give a --format before each --output`);
      } else last.output = t.value;
    }
  }
  if (loneOutput !== undefined) {
    // "--output FILE" with no --format before it: the default format, unless formats follow.
    if (pairs.length > 0) throw new UsageError('--output comes before any --format: put each --output after the --format it is for');
    return [{ format: defaultFormat, output: loneOutput }];
  }
  return pairs.length > 0 ? pairs : [{ format: defaultFormat, output: undefined }];
}
