import { fromEnv } from '@aws-sdk/credential-provider-env';
import { S3Objects } from '../adapters/s3-objects.js';
import { clientConfig } from './runtime-config.js';

/**
 * S3 reads and writes for a Lambda: its region, its execution role's credentials (the runtime
 * puts them in the environment, see lambda-credentials.ts), and the endpoint override the SDK
 * clients honour too (AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL).
 */
export function lambdaS3Objects(env: Readonly<Record<string, string | undefined>> = process.env): S3Objects {
  return new S3Objects({
    region: clientConfig().region,
    credentials: fromEnv(),
    endpoint: env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
  });
}
