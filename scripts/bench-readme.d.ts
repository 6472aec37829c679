/** Types for scripts/bench-readme.js, so its tests type-check. */
export interface ResultFile {
  readonly file: string;
  readonly result?: Record<string, unknown>;
  readonly error?: string;
}
export function renderTable(files: readonly ResultFile[]): string;
export function readResults(dir?: string): ResultFile[];
export function rewrite(readme: string, table: string): string;
