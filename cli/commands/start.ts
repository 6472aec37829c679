/**
 * `warmgate start` (what `npm start` runs), interim version: build the example model, start one
 * container instance, print its readiness phases as they happen and then its URL, and stay up
 * until Ctrl-C. The full flow (local region, rollout, calendar, dashboard) replaces this body.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('start')
    .description('build the example model and start one warmup-gated container instance')
    .option('--port <n>', 'port for the container', '8080')
    .action(async (options: { port: string }) => {
      const { writeExampleModel } = await import('../../container/example-model/build.js');
      const { containerLaunchCommand, REPO_ROOT } = await import('../../container/launch.js');
      const modelDir = join(REPO_ROOT, '.warmgate', 'example-model');
      const t0 = performance.now();
      const { modelBytes } = await writeExampleModel(modelDir);
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(
        `example model  ${modelDir} (${(modelBytes / 1e6).toFixed(1)} MB, ${Math.round(performance.now() - t0)} ms)`,
      );

      const { command, args } = containerLaunchCommand({ modelDir, port: Number(options.port) });
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let url = '';
      createInterface({ input: child.stdout }).on('line', (line) => {
        let event: Record<string, unknown>;
        try {
          event = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return out(line);
        }
        if (event.event === 'listening') {
          url = String(event.url);
          out(`container      listening on ${url}, /ping answers 503 until warm`);
        } else if (event.event === 'phase') {
          const took =
            event.previousMs === undefined ? '' : ` (${event.previous} took ${event.previousMs} ms)`;
          out(`phase          ${String(event.phase).padEnd(8)} at ${event.atMs} ms${took}`);
          if (event.phase === 'failed') out(`               reason: ${event.reason}`);
          if (event.phase === 'ready') {
            out(`\nready: ${url}\n  curl ${url}/ping\n  curl ${url}/status`);
            out(`  curl -X POST ${url}/invocations -d '{"query":"dark fantasy swordsman seeking revenge"}'`);
            out('\nCtrl-C to stop.');
          }
        } else if (event.event === 'shape-warm') {
          out(
            `  shape        ${String(event.name).padEnd(22)} ${event.status} after ${event.iterations} waves (first ${event.firstMs} ms, then ${event.convergedMs} ms)`,
          );
        } else if (event.level === 'error' || event.level === 'warn') {
          out(`${event.level}: ${event.event} ${JSON.stringify(event)}`);
        }
      });
      const stop = () => child.kill('SIGTERM');
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
      process.exitCode = code;
    });
}
