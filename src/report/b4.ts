// Placeholder: this formatter is being written.
import type { FormatterFactory } from './formatter.js';
import { UsageError } from '../model/errors.js';

export const b4Formatter: FormatterFactory = () => {
  throw new UsageError('format "b4" is not available in this build');
};
