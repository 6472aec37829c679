import { ValidationError, WarmgateError } from '../core/errors.js';

/** Exit codes shared by every command (DESIGN.md): 0 ok, 1 the operation failed, 2 input refused. */
export const EXIT = { ok: 0, failed: 1, refused: 2 } as const;

/**
 * Prints an error the way every command does and returns its exit code. A ValidationError lists
 * each refused field on its own line (exit 2: nothing was changed); anything else is one line
 * with the error's name (exit 1).
 */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof ValidationError) {
    if (json) console.log(JSON.stringify({ error: 'ValidationError', issues: error.issues }));
    else {
      console.error('refused: nothing was changed');
      for (const issue of error.issues) console.error(`  ${issue.field}: ${issue.message}`);
    }
    return EXIT.refused;
  }
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    const code = error instanceof WarmgateError ? error.code : undefined;
    console.log(JSON.stringify({ error: name, message, ...(code ? { code } : {}) }));
  } else console.error(`${name}: ${message}`);
  return EXIT.failed;
}

/**
 * Runs a command body and exits with its code. Commands return their exit code rather than
 * calling process.exit themselves, so tests can run them in-process.
 */
export async function runCommand(json: boolean, body: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await body();
  } catch (error) {
    code = reportError(error, json);
  }
  process.exit(code);
}
