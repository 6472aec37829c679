#!/usr/bin/env node
// `npm run bench`: runs every benchmark in bench/ one after another (they share 2 cores, so never
// in parallel), then rebuilds the README table from bench/results/*.json.
//
//   npm run bench                 every benchmark
//   npm run bench -- prescale     only the named ones (file names without .ts)
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2);
// Harness files hold shared helpers, not benchmarks.
const all = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.includes('harness'))
  .map((f) => f.slice(0, -3))
  .sort();
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (have: ${all.join(', ')})`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : all) {
  const started = Date.now();
  console.log(`\n== bench ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join('bench', `${name}.ts`)], {
    cwd: root,
    stdio: 'inherit',
  });
  console.log(`== bench ${name}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (result.status !== 0) failed += 1;
}
spawnSync(process.execPath, [join('scripts', 'bench-readme.js')], { cwd: root, stdio: 'inherit' });
// A benchmark that misses its target still wrote its result; only a crash fails the run.
process.exit(failed > 0 ? 1 : 0);
