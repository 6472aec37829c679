import type { Command, Option } from 'commander';
import { EXIT } from './command-errors.js';

/**
 * Makes every command report all of its missing required options in one error, instead of
 * commander's first one only, so a user fixes the command line in one go.
 *
 * Commander checks `requiredOption`s one at a time and stops at the first. Here each required
 * option is recorded and unmarked, and a `preAction` hook (which runs for every subcommand's
 * action, after parsing) checks them all, then fails through `command.error` as commander would:
 * the same message form, the usage hint `showHelpAfterError` adds, and exit 2 (input refused).
 * Call it once, after every command is registered.
 */
export function reportEveryMissingOption(program: Command): void {
  const required = new Set<Option>();
  const collect = (command: Command): void => {
    for (const option of command.options) {
      if (!option.mandatory) continue;
      required.add(option);
      option.makeOptionMandatory(false);
    }
    for (const sub of command.commands) collect(sub);
  };
  collect(program);
  program.hook('preAction', (_program, actionCommand) => {
    const missing: Option[] = [];
    for (let command: Command | null = actionCommand; command; command = command.parent) {
      for (const option of command.options) {
        if (required.has(option) && command.getOptionValue(option.attributeName()) === undefined)
          missing.push(option);
      }
    }
    if (missing.length === 0) return;
    const flags = missing.map((option) => `'${option.flags}'`).join(', ');
    actionCommand.error(`error: required option${missing.length === 1 ? '' : 's'} ${flags} not specified`, {
      code: 'commander.missingMandatoryOptionValue',
      exitCode: EXIT.refused,
    });
  });
}
