/**
 * The `warmgate` command. Each subcommand lives in its own file under cli/commands/ and exports
 * `register(program)`; this file only wires them, so adding a command never touches another.
 */
import { Command } from 'commander';
import { installProcessDefaults } from './process-defaults.js';

installProcessDefaults();

const program = new Command('warmgate')
  .description('Warm capacity for SageMaker real-time endpoints: gated containers, rollouts, pre-scaling.')
  .showHelpAfterError()
  .enablePositionalOptions();

const commands: Array<() => Promise<{ register(program: Command): void }>> = [
  () => import('./commands/calendar.js'),
  () => import('./commands/container.js'),
  () => import('./commands/example-model.js'),
  () => import('./commands/start.js'),
  () => import('./commands/rollout.js'),
  () => import('./commands/prewarm.js'),
  () => import('./commands/local.js'),
  () => import('./commands/status.js'),
];

for (const load of commands) (await load()).register(program);

await program.parseAsync(process.argv);
