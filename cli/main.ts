/**
 * The `warmgate` command. Each subcommand lives in its own file under cli/commands/ and exports
 * `register(program)`; this file only wires them, so adding a command never touches another.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT } from './command-errors.js';
import { installProcessDefaults } from './process-defaults.js';
import { reportEveryMissingOption } from './required-options.js';

installProcessDefaults();

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('warmgate')
  .version(version)
  .description('Warm capacity for SageMaker real-time endpoints: gated containers, rollouts, pre-scaling.')
  .showHelpAfterError()
  .enablePositionalOptions()
  // Commander exits 1 on a missing or unknown option; DESIGN.md reserves 1 for a failed operation
  // and 2 for input refused before anything changed, which a bad command line is.
  .exitOverride();

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
// Subcommands inherit the override only when they are created after it, so set it on each.
const overrideExits = (command: Command): void => {
  command.exitOverride();
  for (const sub of command.commands) overrideExits(sub);
};
overrideExits(program);
reportEveryMissingOption(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Help and version "errors" carry exit code 0; anything else is a refused command line.
  process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.refused);
}
