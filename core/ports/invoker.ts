/** The result of one inference call through the endpoint's front door. */
export interface Invocation {
  readonly status: 'ok' | 'error';
  readonly latencyMs: number;
  readonly body: unknown;
  /** Which instance answered, when the host says (the local region does; AWS does not). */
  readonly instanceId?: string;
  readonly error?: string;
}

/** InvokeEndpoint, for smoke tests against the live endpoint. */
export interface EndpointInvoker {
  invoke(endpoint: string, payload: unknown, now: () => number): Promise<Invocation>;
}
