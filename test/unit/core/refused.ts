import type { CalendarIssue } from '../../../core/calendar/calendar-document.js';
import { ValidationError } from '../../../core/errors.js';

/**
 * The issues of the ValidationError that `run` throws. Fails the test when `run` succeeds or
 * throws anything else, so a check that silently accepts bad input cannot pass.
 */
export function refusedIssues(run: () => unknown): CalendarIssue[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the input to be refused with a ValidationError');
}
