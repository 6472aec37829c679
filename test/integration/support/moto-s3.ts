import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * moto's server (a real S3 implementation, on the image and in CI) on 127.0.0.1, for the small S3
 * client of the Lambdas. IAM authentication is switched on (INITIAL_NO_AUTH_ACTION_COUNT): after
 * the first few calls that create a user with S3 rights and its access key, moto verifies every
 * request's SigV4 signature and answers SignatureDoesNotMatch for a wrong one, as S3 does.
 */
export interface MotoS3 {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_S3 or the adapter's `endpoint` (path-style). */
  readonly url: string;
  readonly region: string;
  /** The IAM user's keys, which moto accepts; any other secret is refused. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The AWS CLI against this server with those credentials (`aws --endpoint-url URL ...args`). */
  aws(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

// The unauthenticated calls that set up the user: CreateUser, PutUserPolicy, CreateAccessKey.
const SETUP_CALLS = 3;

export interface MotoS3Options {
  readonly region?: string;
  readonly buckets?: readonly string[];
  /**
   * false: moto without IAM authentication, which accepts any signature. moto 5 canonicalises a
   * path with reserved characters (`(`, `!`, `+`, non-ASCII) differently from S3 and refuses even
   * the AWS CLI's own signature for such keys, so keys like that can only be tested this way.
   */
  readonly verifySignatures?: boolean;
}

export async function startMotoS3(options: MotoS3Options = {}): Promise<MotoS3> {
  const verify = options.verifySignatures ?? true;
  const region = options.region ?? 'us-east-1';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...(verify ? { INITIAL_NO_AUTH_ACTION_COUNT: String(SETUP_CALLS) } : {}) },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitUntilListening(url, child);
    const cli =
      (credentials: { accessKeyId: string; secretAccessKey: string }) =>
      async (...args: string[]) =>
        (
          await run('aws', ['--endpoint-url', url, ...args], {
            env: {
              PATH: process.env.PATH ?? '',
              HOME: process.env.HOME ?? '',
              AWS_ACCESS_KEY_ID: credentials.accessKeyId,
              AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
              AWS_DEFAULT_REGION: region,
            },
          })
        ).stdout;
    const setup = cli({ accessKeyId: 'AKIDSETUP', secretAccessKey: 'setup' });
    if (!verify) {
      const credentials = { accessKeyId: 'AKIDSETUP', secretAccessKey: 'setup' };
      await createBuckets(setup, region, options.buckets ?? []);
      return { url, region, credentials, aws: setup, close };
    }
    await setup('iam', 'create-user', '--user-name', 'warmgate-test');
    await setup(
      'iam',
      'put-user-policy',
      '--user-name',
      'warmgate-test',
      '--policy-name',
      's3',
      '--policy-document',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
      }),
    );
    const key = JSON.parse(await setup('iam', 'create-access-key', '--user-name', 'warmgate-test')) as {
      AccessKey: { AccessKeyId: string; SecretAccessKey: string };
    };
    const credentials = {
      accessKeyId: key.AccessKey.AccessKeyId,
      secretAccessKey: key.AccessKey.SecretAccessKey,
    };
    const aws = cli(credentials);
    await createBuckets(aws, region, options.buckets ?? []);
    return { url, region, credentials, aws, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function createBuckets(
  aws: (...args: string[]) => Promise<string>,
  region: string,
  buckets: readonly string[],
): Promise<void> {
  // Outside us-east-1, S3 (and moto) wants the bucket's region stated.
  const location =
    region === 'us-east-1' ? [] : ['--create-bucket-configuration', `LocationConstraint=${region}`];
  for (const bucket of buckets) await aws('s3api', 'create-bucket', '--bucket', bucket, ...location);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// /moto-api/ is moto's own dashboard: it answers once the server listens, and is not an AWS call,
// so it does not use up the unauthenticated setup calls.
async function waitUntilListening(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('moto_server did not listen within 15 s');
}
