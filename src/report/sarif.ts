// Placeholder: this formatter is being written.
import type { FormatterFactory } from './formatter.js';
import { UsageError } from '../model/errors.js';

export const sarifFormatter: FormatterFactory = () => {
  throw new UsageError('format "sarif" is not available in this build');
};
