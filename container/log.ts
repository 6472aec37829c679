/**
 * One JSON object per line on stdout: what CloudWatch Logs ingests from a SageMaker container,
 * and what `warmgate start` and the local region parse to follow an instance's phases.
 */
export type LogLevel = 'info' | 'warn' | 'error';

export type Logger = (level: LogLevel, event: string, fields?: Readonly<Record<string, unknown>>) => void;

export function jsonLogger(write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  return (level, event, fields = {}) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
  };
}

export const silentLogger: Logger = () => {};
