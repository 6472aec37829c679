#!/usr/bin/env node
// The whole suite, in the order that fails fastest: Biome, tsc, then each vitest project.
// It stops at the first failing step, and it fails when no test ran at all, so CI can never
// report green on an empty run. The last line is a plain "N passed, N failed" total.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const projects = (process.env.WARMGATE_TEST_PROJECTS ?? 'unit,integration,e2e').split(',');
const outDir = mkdtempSync(join(tmpdir(), 'warmgate-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };

function run(label, cmd, args) {
  const started = Date.now();
  console.log(`\n== ${label}: ${cmd} ${args.join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n== ${label} failed after ${seconds}s (exit ${result.status ?? result.signal})`);
    return false;
  }
  console.log(`== ${label} ok in ${seconds}s`);
  return true;
}

function stop() {
  summarise();
  process.exit(1);
}

function summarise() {
  console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
}

if (!run('biome', 'npx', ['biome', 'check', '.'])) stop();
if (!run('tsc', 'npx', ['tsc', '--noEmit'])) stop();
// A project whose folder holds no test file yet is reported, not run: vitest treats "no files"
// as a failure, and the final zero-tests check below still guards against an empty suite.
function hasTests(dir) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith('.test.ts'));
}

for (const project of projects) {
  if (!hasTests(join('test', project))) {
    console.log(`\n== vitest ${project}: no test files yet`);
    continue;
  }
  const report = join(outDir, `${project}.json`);
  const args = ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json'];
  args.push(`--outputFile.json=${report}`);
  const ok = run(`vitest ${project}`, 'npx', args);
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += json.numPassedTests;
    totals.failed += json.numFailedTests;
    totals.skipped += json.numPendingTests + json.numTodoTests;
  } catch {
    // No report means vitest died before writing one; its exit code has already failed the run.
  }
  if (!ok) stop();
}
summarise();
if (totals.passed === 0) {
  console.error('no test ran: refusing to report success');
  process.exit(1);
}
