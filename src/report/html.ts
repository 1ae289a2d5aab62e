// Placeholder: this formatter is being written.
import type { FormatterFactory } from './formatter.js';
import { UsageError } from '../model/errors.js';

export const htmlFormatter: FormatterFactory = () => {
  throw new UsageError('format "html" is not available in this build');
};
