/**
 * The local region's idle memory: `warmgate local` as users start it, with no endpoint, measured
 * as the process's resident set (VmRSS) after it has settled. Once bare (`--bare`, the AWS APIs
 * only) and once with warmgate's Step Functions control plane installed. Container instances are
 * separate processes and not counted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { round, writeReport } from './container-harness.js';

const SETTLE_MS = 5000;
const TARGET_BARE_MB = 150;
const BIN = fileURLToPath(new URL('../bin/warmgate.js', import.meta.url));

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return round(kb / 1024);
}

async function idleRss(extra: string[]): Promise<{ rssMb: number; readyMs: number }> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [BIN, 'local', '--port', '0', '--json', ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        if ((JSON.parse(line) as { event?: string }).event === 'ready') resolve();
      });
      child.on('exit', (code) => reject(new Error(`warmgate local exited with ${code}`)));
    });
    const readyMs = round(performance.now() - started, 0);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return { rssMb: rssMb(child.pid as number), readyMs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.on('exit', resolve));
  }
}

const bare = await idleRss(['--bare']);
const full = await idleRss([]);
writeReport({
  name: 'local-idle-memory',
  command: 'node --import tsx bench/local-idle-memory.ts',
  headline: {
    'idle RSS, AWS APIs only (--bare)': `${bare.rssMb} MB`,
    'idle RSS with the control plane': `${full.rssMb} MB`,
    'start to ready (--bare / full)': `${bare.readyMs} / ${full.readyMs} ms`,
  },
  results: { settleMs: SETTLE_MS, bare, withControlPlane: full },
  targets: { 'idle RSS, AWS APIs only (--bare)': `<= ${TARGET_BARE_MB} MB` },
  pass: bare.rssMb <= TARGET_BARE_MB,
});
