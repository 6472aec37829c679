import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { EndpointInvoker, Invocation } from '../../core/ports/invoker.js';

// The local region names the serving instance in this header; AWS sends nothing like it.
const INSTANCE_HEADER = 'x-warmgate-instance-id';

/** {@link EndpointInvoker} over SageMaker Runtime's InvokeEndpoint with a JSON body. */
export class SageMakerRuntimeInvoker implements EndpointInvoker {
  constructor(private readonly client: SageMakerRuntimeClient) {}

  async invoke(endpoint: string, payload: unknown, now: () => number): Promise<Invocation> {
    const started = now();
    let instanceId: string | undefined;
    const command = new InvokeEndpointCommand({
      EndpointName: endpoint,
      ContentType: 'application/json',
      Accept: 'application/json',
      Body: new TextEncoder().encode(JSON.stringify(payload)),
    });
    // The response header is not modelled by the SDK, so read it off the raw HTTP response.
    command.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const headers = (result.response as { headers?: Record<string, string> }).headers;
        instanceId = headers?.[INSTANCE_HEADER];
        return result;
      },
      { step: 'deserialize', name: 'warmgateInstanceHeader' },
    );
    try {
      const out = await this.client.send(command);
      const text = new TextDecoder().decode(out.Body);
      return {
        status: 'ok',
        latencyMs: now() - started,
        body: text ? JSON.parse(text) : null,
        ...(instanceId ? { instanceId } : {}),
      };
    } catch (error) {
      return {
        status: 'error',
        latencyMs: now() - started,
        body: null,
        error: `${(error as Error).name}: ${(error as Error).message}`,
      };
    }
  }
}
