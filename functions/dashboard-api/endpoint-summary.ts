import { ListEndpointsCommand, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { capacityVerdict, describeShortfall } from '../../core/capacity-verdict.js';
import type { EndpointState, VariantState } from '../../core/endpoint-state.js';
import { MIN_FLOOR } from '../../core/floor.js';
import type { ScalingLimits } from '../../core/ports/scaling.js';
import type { VariantScalingReader } from '../adapters/application-auto-scaling-variant-reader.js';
import { callAws } from '../adapters/aws-errors.js';
import type { EndpointReader } from '../adapters/sagemaker-endpoint-reader.js';
import type { CapacityReadiness, EndpointSummary, VariantSummary } from './api-contract.js';

/** The names of the endpoints in this account and region. */
export interface EndpointCatalog {
  names(): Promise<string[]>;
}

/** Per-instance readiness, where it can be observed (the local region's hosting view). */
export interface InstanceCounts {
  /** Instances that passed /ping and serve. */
  readonly warm: number;
  /** Instances launched but not yet passing /ping. */
  readonly warming: number;
}

/**
 * Counts the instances of one variant by their /ping state, or undefined when unknown. On AWS
 * there is no per-instance view, and CurrentInstanceCount (which counts only instances that
 * passed /ping) stands in for the warm count.
 */
export type InstanceProbe = (endpoint: string, variant: string) => InstanceCounts | undefined;

export interface EndpointSummaryDeps {
  readonly catalog: EndpointCatalog;
  /** Describe calls only: the dashboard reads endpoints, and its role may do nothing else. */
  readonly host: EndpointReader;
  readonly scaling: VariantScalingReader;
  readonly instanceProbe?: InstanceProbe | undefined;
}

/**
 * {@link EndpointCatalog} over SageMaker ListEndpoints, every page, limited to names that start
 * with `namePrefix`: on AWS the dashboard may describe only the stack's prefix, and listing a
 * shared account's other endpoints would end in access errors.
 */
export class SageMakerEndpointCatalog implements EndpointCatalog {
  constructor(
    private readonly client: SageMakerClient,
    private readonly namePrefix = '',
  ) {}

  async names(): Promise<string[]> {
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await callAws('ListEndpoints', () =>
        this.client.send(
          new ListEndpointsCommand({
            MaxResults: 100,
            NextToken: nextToken,
            // ListEndpoints can only match a substring; the prefix is checked below.
            ...(this.namePrefix ? { NameContains: this.namePrefix } : {}),
          }),
        ),
      );
      for (const endpoint of page.Endpoints ?? [])
        if (endpoint.EndpointName?.startsWith(this.namePrefix)) names.push(endpoint.EndpointName);
      nextToken = page.NextToken;
    } while (nextToken);
    return names.sort();
  }
}

/**
 * What an operator needs to know about each endpoint: status, instances wanted, serving and warm,
 * the autoscaling floor and max, the deployed image, and core's capacity verdict against the
 * floor. Shared by the dashboard and `warmgate status`. Endpoints deleted between the list and
 * the describe are left out.
 *
 * @throws WarmgateError (taxonomy) when SageMaker or Application Auto Scaling refuses a call.
 */
export async function summarizeEndpoints(
  deps: EndpointSummaryDeps,
  only?: string,
): Promise<EndpointSummary[]> {
  const names = only === undefined ? await deps.catalog.names() : [only];
  const summaries = await Promise.all(names.map((name) => summarizeEndpoint(deps, name)));
  return summaries.filter((summary): summary is EndpointSummary => summary !== undefined);
}

async function summarizeEndpoint(
  deps: EndpointSummaryDeps,
  name: string,
): Promise<EndpointSummary | undefined> {
  const state = await deps.host.describeEndpoint(name);
  if (!state) return undefined;
  const config = await deps.host.describeEndpointConfig(state.configName);
  const variants = await Promise.all(
    state.variants.map(async (variant) => {
      const limits = await deps.scaling.describe({ endpoint: name, variant: variant.name });
      const instanceType = config?.variants.find((v) => v.name === variant.name)?.instanceType || null;
      return summarizeVariant(state, variant, limits, instanceType, deps.instanceProbe?.(name, variant.name));
    }),
  );
  return {
    name: state.name,
    status: state.status,
    failureReason: state.failureReason ?? null,
    configName: state.configName,
    pendingConfigName: state.pendingConfigName ?? null,
    variants,
  };
}

function summarizeVariant(
  state: EndpointState,
  variant: VariantState,
  limits: ScalingLimits | undefined,
  instanceType: string | null,
  counts: InstanceCounts | undefined,
): VariantSummary {
  const warm = counts?.warm ?? variant.currentInstanceCount ?? null;
  return {
    name: variant.name,
    instanceType,
    currentInstances: variant.currentInstanceCount ?? null,
    desiredInstances: variant.desiredInstanceCount ?? null,
    warmInstances: warm,
    warmingInstances: counts?.warming ?? null,
    warmSource: counts ? 'instance-probe' : 'current-instance-count',
    floor: limits?.minCapacity ?? null,
    max: limits?.maxCapacity ?? null,
    image: variant.deployedImages[0]?.specifiedImage ?? null,
    readiness: readiness(state, variant, limits, warm),
  };
}

function readiness(
  state: EndpointState,
  variant: VariantState,
  limits: ScalingLimits | undefined,
  warm: number | null,
): CapacityReadiness {
  const verdict = capacityVerdict(state, {
    variant: variant.name,
    minInstances: limits?.minCapacity ?? MIN_FLOOR,
  });
  switch (verdict.kind) {
    case 'ready':
      return {
        kind: 'ready',
        detail: `${warm ?? verdict.instances} of ${variant.desiredInstanceCount ?? '?'} warm`,
      };
    case 'not-ready':
      return { kind: 'not-ready', detail: verdict.shortfalls.map(describeShortfall).join('; ') };
    case 'rolled-back':
    case 'failed':
      return { kind: verdict.kind, detail: verdict.reason };
  }
}
