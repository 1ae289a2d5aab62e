// Placeholder: this formatter is being written.
import type { FormatterFactory } from './formatter.js';
import { UsageError } from '../model/errors.js';

export const rdjsonFormatter: FormatterFactory = () => {
  throw new UsageError('format "rdjson" is not available in this build');
};
export const rdjsonlFormatter: FormatterFactory = () => {
  throw new UsageError('format "rdjsonl" is not available in this build');
};
