// Placeholder: this command is being written; it reports itself unavailable until then.
import type { CommandRun } from '../io.js';
import { UsageError } from '../../model/errors.js';

export const run: CommandRun = async () => {
  throw new UsageError('"who" is not available in this build');
};
