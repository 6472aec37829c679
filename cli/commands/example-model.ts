/**
 * `warmgate example-model --out DIR`: writes the deterministic example manga recommender.
 */
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('example-model')
    .description('build the example manga recommendation model: model.onnx, catalog.json, warmup.json')
    .requiredOption('--out <dir>', 'folder to write into (created if missing)')
    .action(async (options: { out: string }) => {
      const { writeExampleModel } = await import('../../container/example-model/build.js');
      const started = performance.now();
      const { files, modelBytes } = await writeExampleModel(options.out);
      const ms = Math.round(performance.now() - started);
      process.stdout.write(
        `${files.join('\n')}\nmodel.onnx ${(modelBytes / 1e6).toFixed(1)} MB, built in ${ms} ms\n`,
      );
    });
}
