// Placeholder: this formatter is being written.
import type { FormatterFactory } from './formatter.js';
import { UsageError } from '../model/errors.js';

export const emailFormatter: FormatterFactory = () => {
  throw new UsageError('format "email" is not available in this build');
};
