import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResults, renderTable, rewrite } from '../../../scripts/bench-readme.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function resultsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-readme-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const base = { command: 'node x', measuredAt: '2026-01-02T03:04:05Z', machine: { cpus: 2, node: 'v20' } };

describe('bench-readme', () => {
  it('renders one table row per result file, headline first, sorted by file name', () => {
    const dir = resultsDir({
      'b.json': JSON.stringify({
        ...base,
        name: 'b',
        headline: { 'p99 | ms': 12.3456 },
        targets: { criterion: 'fast' },
        pass: true,
      }),
      'a.json': JSON.stringify({
        ...base,
        name: 'a',
        results: { nested: { ratio: 1.2, label: 'x' } },
        targets: { max: 2 },
        pass: false,
      }),
    });
    const table = renderTable(readResults(dir));
    const rows = table.split('\n').filter((l) => l.startsWith('| ['));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('[a](bench/results/a.json)');
    expect(rows[0]).toContain('nested.ratio: 1.2');
    expect(rows[0]).toContain('max: 2');
    expect(rows[0]).toContain('❌ fail');
    expect(rows[1]).toContain('p99 \\| ms: 12.346');
    expect(rows[1]).toContain('fast');
    expect(rows[1]).toContain('✅ pass');
    expect(rows[1]).toContain('2026-01-02, 2 CPU, v20');
  });

  it('keeps going with a row that says a file is unreadable', () => {
    const dir = resultsDir({
      'broken.json': '{ nope',
      'ok.json': JSON.stringify({ ...base, name: 'ok', pass: true }),
    });
    const table = renderTable(readResults(dir));
    expect(table).toMatch(/\[broken\]\(bench\/results\/broken\.json\) \| unreadable: /);
    expect(table).toContain('[ok]');
  });

  it('replaces only the block between the markers, and refuses a README without them', () => {
    const readme = 'intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\noutro\n';
    expect(rewrite(readme, 'NEW')).toBe('intro\n<!-- bench:start -->\nNEW\n<!-- bench:end -->\noutro\n');
    expect(() => rewrite('no markers', 'x')).toThrow(/bench:start/);
    expect(renderTable([])).toBe('No benchmark results yet.');
  });
});
