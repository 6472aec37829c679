/**
 * `warmgate status [--endpoint NAME] [--json]`: each endpoint's status, warm capacity, floor and
 * image, from the same summary code the dashboard shows (AWS, or the local region through
 * AWS_ENDPOINT_URL). Warm counts are SageMaker's CurrentInstanceCount, which counts only
 * instances whose /ping has passed.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { Command } from 'commander';
import { NotFoundError } from '../../core/errors.js';
import { parseEndpointName } from '../../core/names.js';
import { ApplicationAutoScalingVariantScaling } from '../../functions/adapters/application-auto-scaling-variant-scaling.js';
import { SageMakerEndpointHost } from '../../functions/adapters/sagemaker-endpoint-host.js';
import type { EndpointSummary } from '../../functions/dashboard-api/api-contract.js';
import {
  SageMakerEndpointCatalog,
  summarizeEndpoints,
} from '../../functions/dashboard-api/endpoint-summary.js';
import { cliClientConfig } from '../aws-context.js';
import { EXIT, runCommand } from '../command-errors.js';

interface StatusFlags {
  endpoint?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('status')
    .description('show each endpoint: status, warm instances (passed /ping), floor and max, deployed image')
    .option('--endpoint <name>', 'only this endpoint')
    .option('--json', 'print {"endpoints": [...]} as the dashboard API answers it')
    .addHelpText(
      'after',
      '\nExit codes: 0 shown, 1 a call failed or the endpoint does not exist, 2 bad flags.',
    )
    .action((flags: StatusFlags) => runCommand(flags.json === true, () => status(flags)));
}

async function status(flags: StatusFlags): Promise<number> {
  const only = flags.endpoint === undefined ? undefined : parseEndpointName(flags.endpoint, '--endpoint');
  const sagemaker = new SageMakerClient(cliClientConfig());
  const scaling = new ApplicationAutoScalingClient(cliClientConfig());
  try {
    const endpoints = await summarizeEndpoints(
      {
        catalog: new SageMakerEndpointCatalog(sagemaker),
        host: new SageMakerEndpointHost(sagemaker),
        scaling: new ApplicationAutoScalingVariantScaling(scaling),
      },
      only,
    );
    if (only !== undefined && endpoints.length === 0)
      throw new NotFoundError(`endpoint ${only} does not exist`);
    process.stdout.write(flags.json ? `${JSON.stringify({ endpoints })}\n` : formatStatusTable(endpoints));
    return EXIT.ok;
  } finally {
    sagemaker.destroy();
    scaling.destroy();
  }
}

/** One row per endpoint variant, columns padded to their widest cell. */
export function formatStatusTable(endpoints: readonly EndpointSummary[]): string {
  if (endpoints.length === 0) return 'no endpoints\n';
  const n = (value: number | null) => (value === null ? '-' : String(value));
  const rows = [
    ['ENDPOINT', 'STATUS', 'WARM', 'CURRENT/DESIRED', 'FLOOR-MAX', 'IMAGE', 'READINESS'],
    ...endpoints.flatMap((endpoint) =>
      endpoint.variants.map((v) => [
        endpoint.variants.length > 1 ? `${endpoint.name}/${v.name}` : endpoint.name,
        endpoint.status,
        `${n(v.warmInstances)} of ${n(v.desiredInstances)}`,
        `${n(v.currentInstances)}/${n(v.desiredInstances)}`,
        v.floor === null ? 'not set' : `${v.floor}-${n(v.max)}`,
        v.image ?? '-',
        v.readiness.kind === 'ready' ? 'ready' : `${v.readiness.kind}: ${v.readiness.detail}`,
      ]),
    ),
  ];
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return `${rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
