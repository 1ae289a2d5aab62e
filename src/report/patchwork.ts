// Placeholder: this formatter is being written.
import type { FormatterFactory } from './formatter.js';
import { UsageError } from '../model/errors.js';

export const patchworkFormatter: FormatterFactory = () => {
  throw new UsageError('format "patchwork" is not available in this build');
};
