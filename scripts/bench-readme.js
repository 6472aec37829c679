#!/usr/bin/env node
// Rewrites the README's Benchmarks block (between <!-- bench:start --> and <!-- bench:end -->)
// with one table built from every bench/results/*.json.
//
// A result file is read generically. It is expected to hold `name`, `command`, `measuredAt`,
// `machine` {cpus, node}, `results` (any shape), `targets` (with an optional `criterion` text)
// and `pass`; an optional `headline` object ({label: value}) chooses what the table shows.
// Without a headline, the first few numeric leaves of `results` are shown. A file that cannot be
// read gets a row saying so instead of failing the whole table.
//
//   node scripts/bench-readme.js [--check]     (--check: exit 1 if the README is out of date)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'bench', 'results');
const readmePath = join(root, 'README.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
const MAX_LEAVES = 5;

const cell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

function format(value) {
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.map(format).join(', ');
  return String(value);
}

/** Scalar leaves of an object as [dotted.path, value], depth first, arrays of scalars kept whole. */
function leaves(value, path = []) {
  if (value === null || typeof value !== 'object') return [[path.join('.'), value]];
  if (Array.isArray(value)) {
    return value.every((v) => v === null || typeof v !== 'object') ? [[path.join('.'), value]] : [];
  }
  return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
}

function measured(result) {
  const headline =
    result.headline && typeof result.headline === 'object' ? Object.entries(result.headline) : [];
  // Without a headline, show numbers first: they are what a reader compares across runs.
  const short = leaves(result.results ?? {}).filter(([, v]) => typeof v !== 'string' || v.length <= 40);
  const numeric = short.filter(([, v]) => typeof v === 'number');
  const pairs = headline.length > 0 ? headline : (numeric.length > 0 ? numeric : short).slice(0, MAX_LEAVES);
  return pairs.map(([k, v]) => `${k}: ${format(v)}`).join('<br>') || '—';
}

function target(result) {
  const targets = result.targets;
  if (!targets || typeof targets !== 'object') return '—';
  if (typeof targets.criterion === 'string') return targets.criterion;
  return (
    Object.entries(targets)
      .map(([k, v]) => `${k}: ${format(v)}`)
      .join('<br>') || '—'
  );
}

function verdict(result) {
  if (result.pass === true) return '✅ pass';
  if (result.pass === false) return '❌ fail';
  return '—';
}

function where(result) {
  const date = typeof result.measuredAt === 'string' ? result.measuredAt.slice(0, 10) : '?';
  const m = result.machine ?? {};
  const load = Array.isArray(m.loadAverage) ? `load ${format(m.loadAverage[0])}` : undefined;
  const parts = [date, m.cpus ? `${m.cpus} CPU` : undefined, m.node, load].filter(Boolean);
  return parts.join(', ');
}

export function renderTable(files) {
  const rows = files.map(({ file, result, error }) => {
    const name = `[${cell(result?.name ?? file.replace(/\.json$/, ''))}](bench/results/${file})`;
    if (error) return `| ${name} | unreadable: ${cell(error)} | — | — | — |`;
    return `| ${name} | ${cell(measured(result))} | ${cell(target(result))} | ${verdict(result)} | ${cell(where(result))} |`;
  });
  if (rows.length === 0) return 'No benchmark results yet.';
  return [
    '| Benchmark | Measured | Target | Result | Measured on |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Each row comes from `bench/results/<name>.json`; the file names the command that reproduces it.',
    'Regenerate this table with `node scripts/bench-readme.js`.',
  ].join('\n');
}

export function readResults(dir = resultsDir) {
  let names = [];
  try {
    names = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return names.map((file) => {
    try {
      const result = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      if (!result || typeof result !== 'object' || Array.isArray(result))
        return { file, error: 'not a JSON object' };
      return { file, result };
    } catch (error) {
      return { file, error: error instanceof Error ? error.message : String(error) };
    }
  });
}

export function rewrite(readme, table) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const readme = readFileSync(readmePath, 'utf8');
  const next = rewrite(readme, renderTable(readResults()));
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README.md benchmarks table is out of date: run node scripts/bench-readme.js');
      process.exit(1);
    }
  } else if (next !== readme) {
    writeFileSync(readmePath, next);
    console.log('README.md benchmarks table updated');
  } else {
    console.log('README.md benchmarks table already up to date');
  }
}
