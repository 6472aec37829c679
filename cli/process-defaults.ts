/**
 * Process-wide settings every warmgate process shares.
 *
 * The AWS SDK prints a multi-line Node-version notice on Node 20; it says nothing about the
 * user's command, so it is filtered out of the warning stream. Every other warning still prints.
 */
export function installProcessDefaults(): void {
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'NodeVersionSupportWarning' || text.includes('AWS SDK for JavaScript (v3)')) return;
    (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}
