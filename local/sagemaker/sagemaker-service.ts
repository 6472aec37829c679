import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { EndpointName, VariantName } from '../../core/names.js';
import { parseOrThrow } from '../../core/validation.js';
import { DEFAULT_POLICY, type DeploymentPolicy } from '../hosting/deployment-policy.js';
import type {
  ConfigPlan,
  HostedEndpoint,
  LiveVariant,
  RetainedProperty,
  VariantPlan,
} from '../hosting/endpoint.js';
import type { Hosting } from '../hosting/hosting.js';
import { paginate } from '../paginate.js';
import type { JsonTargetService } from '../service.js';
import { errorMapper } from '../wire-error.js';
import { type ModelSource, resolveModelSource } from './model-source.js';
import {
  type CreateEndpointConfigInput,
  CreateEndpointConfigSchema,
  CreateEndpointSchema,
  type CreateModelInput,
  CreateModelSchema,
  type DeploymentConfigInput,
  EndpointConfigNameSchema,
  EndpointNameSchema,
  ListByNameSchema,
  ListEndpointsSchema,
  ModelNameSchema,
  UpdateEndpointSchema,
  UpdateEndpointWeightsAndCapacitiesSchema,
} from './shapes.js';

/**
 * When a variant does not say, how long its container may take to pass `/ping` at startup.
 * SageMaker's own default is not documented; ten minutes matches what large models get.
 */
export const DEFAULT_STARTUP_TIMEOUT_SECONDS = 600;

interface ModelRecord {
  readonly input: CreateModelInput;
  readonly arn: string;
  readonly creationTime: Date;
  readonly source: ModelSource;
}

interface EndpointConfigRecord {
  readonly input: CreateEndpointConfigInput;
  readonly arn: string;
  readonly creationTime: Date;
}

/** What the SageMaker API needs from the region around it. */
export interface SageMakerDeps {
  readonly hosting: Hosting;
  readonly accountId: string;
  readonly region: string;
  /** Relative `file://` model URLs resolve against this directory. */
  readonly cwd: string;
  /** Variants of `endpointName` registered as Application Auto Scaling targets. */
  autoscaledVariants(endpointName: string): ReadonlySet<string>;
  readonly onUnexpected?: (error: unknown) => void;
}

/**
 * The SageMaker control plane (AWS JSON 1.1, `X-Amz-Target: SageMaker.<Operation>`): models,
 * endpoint configs and endpoints, with endpoints hosted by real container instances.
 */
export function createSageMakerService(deps: SageMakerDeps): JsonTargetService {
  const models = new Map<string, ModelRecord>();
  const configs = new Map<string, EndpointConfigRecord>();
  const { hosting } = deps;
  const arn = (kind: string, resource: string) =>
    `arn:aws:sagemaker:${deps.region}:${deps.accountId}:${kind}/${resource.toLowerCase()}`;

  const requireEndpoint = (name: string): HostedEndpoint => {
    const endpoint = hosting.get(name);
    if (!endpoint) throw new NotFoundError(`Could not find endpoint "${arn('endpoint', name)}".`);
    return endpoint;
  };

  const requireConfig = (name: string): EndpointConfigRecord => {
    const config = configs.get(name);
    if (!config)
      throw new NotFoundError(`Could not find endpoint configuration "${arn('endpoint-config', name)}".`);
    return config;
  };

  /** Resolves a config's variants against the models that exist now, as CreateEndpoint does. */
  const planFor = (configName: string): ConfigPlan => {
    const config = requireConfig(configName);
    const variants: VariantPlan[] = config.input.ProductionVariants.map((variant) => {
      const modelName = variant.ModelName as string;
      const model = models.get(modelName);
      if (!model) throw new NotFoundError(`Could not find model "${arn('model', modelName)}".`);
      return {
        variantName: variant.VariantName as VariantName,
        modelName,
        image: model.source.image,
        source: model.source,
        instanceType: variant.InstanceType as string,
        initialInstanceCount: variant.InitialInstanceCount as number,
        initialWeight: variant.InitialVariantWeight ?? 1,
        startupTimeoutSeconds:
          variant.ContainerStartupHealthCheckTimeoutInSeconds ?? DEFAULT_STARTUP_TIMEOUT_SECONDS,
      };
    });
    return { configName, variants };
  };

  return {
    kind: 'json-target',
    name: 'SageMaker',
    targetPrefix: 'SageMaker',
    jsonVersion: '1.1',
    errors: errorMapper(
      {
        // SageMaker reports missing resources and state conflicts as ValidationException.
        validation: { type: 'ValidationException' },
        notFound: { type: 'ValidationException' },
        conflict: { type: 'ValidationException' },
      },
      deps.onUnexpected,
    ),
    operations: {
      async CreateModel(input) {
        const request = parseOrThrow(CreateModelSchema, input);
        if (models.has(request.ModelName)) {
          throw new ConflictError(
            `Cannot create already existing model "${arn('model', request.ModelName)}".`,
          );
        }
        const containers = request.Containers ?? [];
        if (containers.length > 1) {
          throw ValidationError.field('Containers', 'the local region runs single-container models only');
        }
        const container = request.PrimaryContainer ?? containers[0];
        if (!container) throw ValidationError.field('PrimaryContainer', 'is required');
        if (container.Mode === 'MultiModel') {
          throw ValidationError.field(
            'PrimaryContainer.Mode',
            'the local region runs SingleModel containers only',
          );
        }
        if (container.ModelDataSource !== undefined) {
          throw ValidationError.field(
            'PrimaryContainer.ModelDataSource',
            'use ModelDataUrl with a file:// URL locally',
          );
        }
        const source = await resolveModelSource({
          image: container.Image,
          modelDataUrl: container.ModelDataUrl,
          environment: container.Environment,
          cwd: deps.cwd,
        });
        const record: ModelRecord = {
          input: { ...request, PrimaryContainer: container },
          arn: arn('model', request.ModelName),
          creationTime: new Date(),
          source,
        };
        models.set(request.ModelName, record);
        return { ModelArn: record.arn };
      },

      DescribeModel(input) {
        const { ModelName } = parseOrThrow(ModelNameSchema, input);
        const model = models.get(ModelName);
        if (!model) throw new NotFoundError(`Could not find model "${arn('model', ModelName)}".`);
        const { Tags: _tags, ...described } = model.input;
        return {
          ...described,
          ModelArn: model.arn,
          CreationTime: model.creationTime,
          EnableNetworkIsolation: model.input.EnableNetworkIsolation ?? false,
        };
      },

      DeleteModel(input) {
        const { ModelName } = parseOrThrow(ModelNameSchema, input);
        if (!models.delete(ModelName))
          throw new NotFoundError(`Could not find model "${arn('model', ModelName)}".`);
        return {};
      },

      CreateEndpointConfig(input) {
        const request = parseOrThrow(CreateEndpointConfigSchema, input);
        const name = request.EndpointConfigName;
        if (configs.has(name)) {
          throw new ConflictError(
            `Cannot create already existing endpoint configuration "${arn('endpoint-config', name)}".`,
          );
        }
        for (const unsupported of [
          'AsyncInferenceConfig',
          'ShadowProductionVariants',
          'ExplainerConfig',
        ] as const) {
          if (request[unsupported] !== undefined) {
            throw ValidationError.field(
              unsupported,
              'is not emulated by the local region (real-time endpoints only)',
            );
          }
        }
        const seen = new Set<string>();
        request.ProductionVariants.forEach((variant, index) => {
          const field = `ProductionVariants.${index}`;
          if (seen.has(variant.VariantName))
            throw ValidationError.field(`${field}.VariantName`, 'must be unique');
          seen.add(variant.VariantName);
          if (variant.ServerlessConfig !== undefined) {
            throw ValidationError.field(
              `${field}.ServerlessConfig`,
              'serverless variants are not emulated locally',
            );
          }
          if (!variant.ModelName) throw ValidationError.field(`${field}.ModelName`, 'is required');
          if (!variant.InstanceType) throw ValidationError.field(`${field}.InstanceType`, 'is required');
          if (variant.InitialInstanceCount === undefined) {
            throw ValidationError.field(`${field}.InitialInstanceCount`, 'is required');
          }
          if (!models.has(variant.ModelName)) {
            throw new NotFoundError(`Could not find model "${arn('model', variant.ModelName)}".`);
          }
        });
        const record: EndpointConfigRecord = {
          input: {
            ...request,
            ProductionVariants: request.ProductionVariants.map((v) => ({
              ...v,
              InitialVariantWeight: v.InitialVariantWeight ?? 1,
            })),
          },
          arn: arn('endpoint-config', name),
          creationTime: new Date(),
        };
        configs.set(name, record);
        return { EndpointConfigArn: record.arn };
      },

      DescribeEndpointConfig(input) {
        const { EndpointConfigName } = parseOrThrow(EndpointConfigNameSchema, input);
        const config = requireConfig(EndpointConfigName);
        const { Tags: _tags, ...described } = config.input;
        return { ...described, EndpointConfigArn: config.arn, CreationTime: config.creationTime };
      },

      DeleteEndpointConfig(input) {
        const { EndpointConfigName } = parseOrThrow(EndpointConfigNameSchema, input);
        requireConfig(EndpointConfigName);
        configs.delete(EndpointConfigName);
        return {};
      },

      CreateEndpoint(input) {
        const request = parseOrThrow(CreateEndpointSchema, input);
        const name = request.EndpointName as EndpointName;
        if (hosting.get(name)) {
          throw new ConflictError(`Cannot create already existing endpoint "${arn('endpoint', name)}".`);
        }
        const endpoint = hosting.create(name, arn('endpoint', name), planFor(request.EndpointConfigName));
        return { EndpointArn: endpoint.arn };
      },

      DescribeEndpoint(input) {
        const { EndpointName } = parseOrThrow(EndpointNameSchema, input);
        return describeEndpoint(requireEndpoint(EndpointName));
      },

      DeleteEndpoint(input) {
        const { EndpointName } = parseOrThrow(EndpointNameSchema, input);
        requireEndpoint(EndpointName).beginDelete();
        return {};
      },

      ListEndpoints(input) {
        const request = parseOrThrow(ListEndpointsSchema, input);
        const matches = hosting.list().filter((endpoint) => {
          if (request.NameContains && !endpoint.name.includes(request.NameContains)) return false;
          if (request.StatusEquals && endpoint.status !== request.StatusEquals) return false;
          if (request.CreationTimeBefore && !(endpoint.creationTime < request.CreationTimeBefore))
            return false;
          if (request.CreationTimeAfter && !(endpoint.creationTime > request.CreationTimeAfter)) return false;
          if (
            request.LastModifiedTimeBefore &&
            !(endpoint.lastModifiedTime < request.LastModifiedTimeBefore)
          ) {
            return false;
          }
          if (request.LastModifiedTimeAfter && !(endpoint.lastModifiedTime > request.LastModifiedTimeAfter)) {
            return false;
          }
          return true;
        });
        const sortBy = request.SortBy ?? 'CreationTime';
        const direction = (request.SortOrder ?? 'Descending') === 'Ascending' ? 1 : -1;
        matches.sort((a, b) => {
          const order =
            sortBy === 'Name'
              ? a.name.localeCompare(b.name)
              : sortBy === 'Status'
                ? a.status.localeCompare(b.status)
                : a.creationTime.getTime() - b.creationTime.getTime();
          return order * direction;
        });
        const page = paginate(matches, { maxResults: request.MaxResults, nextToken: request.NextToken }, 10);
        return {
          Endpoints: page.items.map((endpoint) => ({
            EndpointName: endpoint.name,
            EndpointArn: endpoint.arn,
            CreationTime: endpoint.creationTime,
            LastModifiedTime: endpoint.lastModifiedTime,
            EndpointStatus: endpoint.status,
          })),
          NextToken: page.nextToken,
        };
      },

      ListModels(input) {
        const page = listByName(input, [...models.entries()]);
        return {
          Models: page.items.map(([name, model]) => ({
            ModelName: name,
            ModelArn: model.arn,
            CreationTime: model.creationTime,
          })),
          NextToken: page.nextToken,
        };
      },

      ListEndpointConfigs(input) {
        const page = listByName(input, [...configs.entries()]);
        return {
          EndpointConfigs: page.items.map(([name, config]) => ({
            EndpointConfigName: name,
            EndpointConfigArn: config.arn,
            CreationTime: config.creationTime,
          })),
          NextToken: page.nextToken,
        };
      },

      UpdateEndpoint(input) {
        const request = parseOrThrow(UpdateEndpointSchema, input);
        const endpoint = requireEndpoint(request.EndpointName);
        const plan = planFor(request.EndpointConfigName);
        const scaled = deps.autoscaledVariants(endpoint.name);
        const blocked = [...scaled].filter((variant) => {
          const before = endpoint.current.variants.get(variant as VariantName);
          const after = plan.variants.find((v) => v.variantName === variant);
          return before && (!after || after.instanceType !== before.plan.instanceType);
        });
        if (blocked.length > 0) {
          throw new ConflictError(
            `The variant(s) "[${blocked.join(', ')}]" must be deregistered as scalable targets with AWS Application Auto Scaling before they can be removed or have their instance type updated.`,
          );
        }
        const deploymentConfig =
          request.DeploymentConfig ??
          (request.RetainDeploymentConfig
            ? (endpoint.lastDeploymentConfig as DeploymentConfigInput)
            : undefined);
        endpoint.beginUpdate(plan, deploymentPolicy(deploymentConfig), {
          retainAll: request.RetainAllVariantProperties ?? false,
          exclude: (request.ExcludeRetainedVariantProperties ?? []).map(
            (p) => p.VariantPropertyType as RetainedProperty,
          ),
          deploymentConfig,
        });
        return { EndpointArn: endpoint.arn };
      },

      UpdateEndpointWeightsAndCapacities(input) {
        const request = parseOrThrow(UpdateEndpointWeightsAndCapacitiesSchema, input);
        const endpoint = requireEndpoint(request.EndpointName);
        const done = endpoint.beginCapacityChange(
          request.DesiredWeightsAndCapacities.map((d) => ({
            variant: d.VariantName,
            weight: d.DesiredWeight,
            count: d.DesiredInstanceCount,
          })),
        );
        // The caller polls DescribeEndpoint; a failure shows there as FailureReason.
        done.catch(() => undefined);
        return { EndpointArn: endpoint.arn };
      },
    },
  };
}

/**
 * Turns UpdateEndpoint's DeploymentConfig into a policy.
 *
 * @throws ValidationError for rolling updates (not emulated) or a routing type without its size.
 */
export function deploymentPolicy(config: DeploymentConfigInput | undefined): DeploymentPolicy {
  if (!config) return DEFAULT_POLICY;
  if (config.RollingUpdatePolicy !== undefined) {
    throw ValidationError.field(
      'DeploymentConfig.RollingUpdatePolicy',
      'is not emulated; use BlueGreenUpdatePolicy',
    );
  }
  const rollbackAlarms = (config.AutoRollbackConfiguration?.Alarms ?? []).map((a) => a.AlarmName);
  const blueGreen = config.BlueGreenUpdatePolicy;
  if (!blueGreen) return { ...DEFAULT_POLICY, rollbackAlarms };
  const routing = blueGreen.TrafficRoutingConfiguration;
  const field = 'DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration';
  const waitSeconds = routing.WaitIntervalInSeconds;
  let parsed: DeploymentPolicy['routing'];
  if (routing.Type === 'CANARY') {
    if (!routing.CanarySize) throw ValidationError.field(`${field}.CanarySize`, 'is required for CANARY');
    parsed = { type: 'CANARY', waitSeconds, canarySize: routing.CanarySize };
  } else if (routing.Type === 'LINEAR') {
    if (!routing.LinearStepSize)
      throw ValidationError.field(`${field}.LinearStepSize`, 'is required for LINEAR');
    parsed = { type: 'LINEAR', waitSeconds, stepSize: routing.LinearStepSize };
  } else {
    parsed = { type: 'ALL_AT_ONCE', waitSeconds };
  }
  return {
    routing: parsed,
    terminationWaitSeconds: blueGreen.TerminationWaitInSeconds ?? 0,
    maximumExecutionSeconds: blueGreen.MaximumExecutionTimeoutInSeconds,
    rollbackAlarms,
  };
}

function variantSummary(variant: LiveVariant, resolvedAt: Date) {
  const image = variant.plan.image;
  return {
    VariantName: variant.plan.variantName,
    DeployedImages: [
      {
        SpecifiedImage: image,
        ResolvedImage: `${image.split('@')[0]?.replace(/:[^/:]*$/, '')}@sha256:${createHash('sha256').update(image).digest('hex')}`,
        ResolutionTime: resolvedAt,
      },
    ],
    CurrentWeight: variant.currentWeight,
    DesiredWeight: variant.desiredWeight,
    CurrentInstanceCount: variant.fleet.currentCount,
    DesiredInstanceCount: variant.fleet.desired,
    VariantStatus: variant.status
      ? [
          {
            Status: variant.status.name,
            StatusMessage: variant.status.message,
            StartTime: variant.status.since,
          },
        ]
      : [],
  };
}

/** DescribeEndpoint's answer for one hosted endpoint. */
export function describeEndpoint(endpoint: HostedEndpoint): Record<string, unknown> {
  const pending = endpoint.pending;
  return {
    EndpointName: endpoint.name,
    EndpointArn: endpoint.arn,
    EndpointConfigName: endpoint.current.configName,
    // SageMaker lists variants only once the endpoint has been in service.
    ProductionVariants: endpoint.everInService
      ? [...endpoint.current.variants.values()].map((v) => variantSummary(v, endpoint.current.resolvedAt))
      : undefined,
    EndpointStatus: endpoint.status,
    FailureReason: endpoint.failureReason,
    CreationTime: endpoint.creationTime,
    LastModifiedTime: endpoint.lastModifiedTime,
    LastDeploymentConfig: endpoint.lastDeploymentConfig,
    PendingDeploymentSummary: pending && {
      EndpointConfigName: pending.generation.configName,
      StartTime: pending.startTime,
      ProductionVariants: [...pending.generation.variants.values()].map((v) => ({
        ...variantSummary(v, pending.generation.resolvedAt),
        InstanceType: v.plan.instanceType,
        VariantStatus: [{ Status: pending.phase, StartTime: pending.startTime }],
      })),
    },
  };
}

/**
 * ListModels / ListEndpointConfigs: filter by name substring and creation window, sort by name or
 * creation time (newest first by default, as SageMaker does), then page.
 */
function listByName<T extends { readonly creationTime: Date }>(
  input: Record<string, unknown>,
  entries: Array<[string, T]>,
) {
  const request = parseOrThrow(ListByNameSchema, input);
  const matches = entries.filter(([name, record]) => {
    if (request.NameContains && !name.includes(request.NameContains)) return false;
    if (request.CreationTimeBefore && !(record.creationTime < request.CreationTimeBefore)) return false;
    if (request.CreationTimeAfter && !(record.creationTime > request.CreationTimeAfter)) return false;
    return true;
  });
  const direction = (request.SortOrder ?? 'Descending') === 'Ascending' ? 1 : -1;
  matches.sort(
    ([a, x], [b, y]) =>
      direction *
      (request.SortBy === 'Name' ? a.localeCompare(b) : x.creationTime.getTime() - y.creationTime.getTime()),
  );
  return paginate(matches, { maxResults: request.MaxResults, nextToken: request.NextToken }, 10);
}
