import { randomUUID } from 'node:crypto';

/** The subset of the Lambda context object warmgate's handlers read. */
export interface LocalLambdaContext {
  readonly functionName: string;
  readonly awsRequestId: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly functionVersion: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

export type LocalHandler = (event: unknown, context: LocalLambdaContext) => Promise<unknown>;

/**
 * The error a Task state sees when a function fails. Like AWS, `name` is the function's
 * `errorType` (what Retry/Catch match) and the message is the JSON `Cause` that Step Functions
 * records: `{"errorType","errorMessage"}`.
 */
export class LambdaInvocationError extends Error {
  constructor(errorType: string, errorMessage: string) {
    super(JSON.stringify({ errorType, errorMessage }));
    this.name = errorType;
  }
}

interface FunctionEntry {
  readonly handler: LocalHandler;
  readonly timeoutMs: number;
}

/**
 * The local Lambda service: named functions run in-process. Errors are reshaped exactly as
 * Lambda reports them to Step Functions, so the ASL's Retry/Catch behave as they do on AWS.
 *
 * Fault injection: `crashAfterRun(name, n)` makes the next n invocations run the handler to
 * completion (side effects included) and then fail as a runtime crash (`Runtime.ExitError`).
 * That is the worst case for idempotency: the work happened but the caller never heard.
 */
export class FunctionRegistry {
  readonly #functions = new Map<string, FunctionEntry>();
  readonly #pendingCrashes = new Map<string, number>();
  readonly #accountId: string;
  readonly #region: string;

  constructor(options: { accountId: string; region: string }) {
    this.#accountId = options.accountId;
    this.#region = options.region;
  }

  register(name: string, handler: LocalHandler, timeoutMs = 900_000): void {
    this.#functions.set(name, { handler, timeoutMs });
  }

  has(name: string): boolean {
    return this.#functions.has(name);
  }

  names(): string[] {
    return [...this.#functions.keys()];
  }

  arn(name: string): string {
    return `arn:aws:lambda:${this.#region}:${this.#accountId}:function:${name}`;
  }

  crashAfterRun(name: string, times: number): void {
    this.#pendingCrashes.set(name, (this.#pendingCrashes.get(name) ?? 0) + times);
  }

  /** @throws LambdaInvocationError shaped as Lambda reports failures to Step Functions. */
  async invoke(name: string, event: unknown): Promise<unknown> {
    const entry = this.#functions.get(name);
    if (!entry)
      throw new LambdaInvocationError('Lambda.ResourceNotFoundException', `Function not found: ${name}`);
    const deadline = Date.now() + entry.timeoutMs;
    const context: LocalLambdaContext = {
      functionName: name,
      awsRequestId: randomUUID(),
      invokedFunctionArn: this.arn(name),
      memoryLimitInMB: '512',
      functionVersion: '$LATEST',
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let result: unknown;
    try {
      // Round-trip through JSON: a real Lambda never shares object identity with its caller.
      result = JSON.parse(JSON.stringify((await entry.handler(structuredClone(event), context)) ?? null));
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      throw new LambdaInvocationError(err.name || 'Error', err.message);
    }
    const crashes = this.#pendingCrashes.get(name) ?? 0;
    if (crashes > 0) {
      this.#pendingCrashes.set(name, crashes - 1);
      throw new LambdaInvocationError(
        'Runtime.ExitError',
        `RequestId: ${context.awsRequestId} Error: Runtime exited with error: signal: killed`,
      );
    }
    return result;
  }
}
