import * as z from 'zod';
import { ENDPOINT_STATUSES } from '../../core/endpoint-state.js';
import { isHostingInstanceType } from '../../core/instance-types.js';
import { SAGEMAKER_NAME_MAX_LENGTH, SAGEMAKER_NAME_PATTERN } from '../../core/names.js';

/**
 * Request shapes of the SageMaker operations the local region serves, from the service model
 * (API 2017-07-24). Objects are loose: members the emulator does not use are accepted and echoed
 * where Describe* returns them, as AWS does.
 */

const name = z
  .string()
  .max(SAGEMAKER_NAME_MAX_LENGTH, `must have length less than or equal to ${SAGEMAKER_NAME_MAX_LENGTH}`)
  .regex(
    SAGEMAKER_NAME_PATTERN,
    'must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}',
  );

const tags = z.array(z.looseObject({ Key: z.string(), Value: z.string() })).optional();

/** ContainerDefinition. */
export const ContainerDefinitionSchema = z.looseObject({
  ContainerHostname: z.string().optional(),
  Image: z.string().optional(),
  Mode: z.enum(['SingleModel', 'MultiModel']).optional(),
  ModelDataUrl: z.string().max(1024).optional(),
  ModelDataSource: z.unknown().optional(),
  Environment: z.record(z.string(), z.string()).optional(),
});

export const CreateModelSchema = z.looseObject({
  ModelName: name,
  PrimaryContainer: ContainerDefinitionSchema.optional(),
  Containers: z.array(ContainerDefinitionSchema).max(15).optional(),
  ExecutionRoleArn: z.string().optional(),
  Tags: tags,
  EnableNetworkIsolation: z.boolean().optional(),
});
export type CreateModelInput = z.infer<typeof CreateModelSchema>;

export const ModelNameSchema = z.looseObject({ ModelName: name });
export const EndpointConfigNameSchema = z.looseObject({ EndpointConfigName: name });
export const EndpointNameSchema = z.looseObject({ EndpointName: name });

/** ProductionVariant. */
export const ProductionVariantSchema = z.looseObject({
  VariantName: name,
  ModelName: name.optional(),
  InitialInstanceCount: z.number().int().min(1).optional(),
  InstanceType: z
    .string()
    .refine(
      isHostingInstanceType,
      'must be a SageMaker hosting instance type (ProductionVariantInstanceType)',
    )
    .optional(),
  InitialVariantWeight: z.number().min(0).optional(),
  ContainerStartupHealthCheckTimeoutInSeconds: z.number().int().min(60).max(3600).optional(),
  ModelDataDownloadTimeoutInSeconds: z.number().int().min(60).max(3600).optional(),
  ServerlessConfig: z.unknown().optional(),
});
export type ProductionVariantInput = z.infer<typeof ProductionVariantSchema>;

export const CreateEndpointConfigSchema = z.looseObject({
  EndpointConfigName: name,
  ProductionVariants: z.array(ProductionVariantSchema).min(1).max(10),
  DataCaptureConfig: z.unknown().optional(),
  Tags: tags,
  KmsKeyId: z.string().optional(),
  AsyncInferenceConfig: z.unknown().optional(),
  ShadowProductionVariants: z.array(z.unknown()).optional(),
  ExplainerConfig: z.unknown().optional(),
});
export type CreateEndpointConfigInput = z.infer<typeof CreateEndpointConfigSchema>;

const capacitySize = z.looseObject({
  Type: z.enum(['INSTANCE_COUNT', 'CAPACITY_PERCENT']),
  Value: z.number().int().min(1),
});

/** DeploymentConfig (blue/green; rolling updates are not emulated). */
export const DeploymentConfigSchema = z.looseObject({
  BlueGreenUpdatePolicy: z
    .looseObject({
      TrafficRoutingConfiguration: z.looseObject({
        Type: z.enum(['ALL_AT_ONCE', 'CANARY', 'LINEAR']),
        WaitIntervalInSeconds: z.number().int().min(0).max(3600),
        CanarySize: capacitySize.optional(),
        LinearStepSize: capacitySize.optional(),
      }),
      TerminationWaitInSeconds: z.number().int().min(0).max(3600).optional(),
      MaximumExecutionTimeoutInSeconds: z.number().int().min(600).max(28800).optional(),
    })
    .optional(),
  RollingUpdatePolicy: z.unknown().optional(),
  AutoRollbackConfiguration: z
    .looseObject({ Alarms: z.array(z.looseObject({ AlarmName: z.string().min(1) })).optional() })
    .optional(),
});
export type DeploymentConfigInput = z.infer<typeof DeploymentConfigSchema>;

export const CreateEndpointSchema = z.looseObject({
  EndpointName: name,
  EndpointConfigName: name,
  DeploymentConfig: DeploymentConfigSchema.optional(),
  Tags: tags,
});

export const UpdateEndpointSchema = z.looseObject({
  EndpointName: name,
  EndpointConfigName: name,
  RetainAllVariantProperties: z.boolean().optional(),
  ExcludeRetainedVariantProperties: z
    .array(
      z.looseObject({
        VariantPropertyType: z.enum(['DesiredInstanceCount', 'DesiredWeight', 'DataCaptureConfig']),
      }),
    )
    .optional(),
  DeploymentConfig: DeploymentConfigSchema.optional(),
  RetainDeploymentConfig: z.boolean().optional(),
});

export const UpdateEndpointWeightsAndCapacitiesSchema = z.looseObject({
  EndpointName: name,
  DesiredWeightsAndCapacities: z
    .array(
      z
        .looseObject({
          VariantName: name,
          DesiredWeight: z.number().min(0).optional(),
          DesiredInstanceCount: z.number().int().min(0).optional(),
        })
        .refine((d) => d.DesiredWeight !== undefined || d.DesiredInstanceCount !== undefined, {
          message: 'must set DesiredWeight or DesiredInstanceCount',
        }),
    )
    .min(1)
    .max(10),
});

/** AWS JSON protocols send timestamps as epoch seconds; the CLI may also send ISO strings. */
export const timestamp = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be a timestamp' });
    return z.NEVER;
  }
  return date;
});

export const ListEndpointsSchema = z.looseObject({
  SortBy: z.enum(['Name', 'CreationTime', 'Status']).optional(),
  SortOrder: z.enum(['Ascending', 'Descending']).optional(),
  NextToken: z.string().optional(),
  MaxResults: z.number().int().min(1).max(100).optional(),
  NameContains: z.string().optional(),
  CreationTimeBefore: timestamp.optional(),
  CreationTimeAfter: timestamp.optional(),
  LastModifiedTimeBefore: timestamp.optional(),
  LastModifiedTimeAfter: timestamp.optional(),
  StatusEquals: z.enum(ENDPOINT_STATUSES).optional(),
});

/** ListModels and ListEndpointConfigs take the same filters: a name substring and a time window. */
export const ListByNameSchema = z.looseObject({
  SortBy: z.enum(['Name', 'CreationTime']).optional(),
  SortOrder: z.enum(['Ascending', 'Descending']).optional(),
  NextToken: z.string().optional(),
  MaxResults: z.number().int().min(1).max(100).optional(),
  NameContains: z.string().optional(),
  CreationTimeBefore: timestamp.optional(),
  CreationTimeAfter: timestamp.optional(),
});
