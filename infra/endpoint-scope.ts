import { ArnFormat, type Stack } from 'aws-cdk-lib';

/**
 * ARN patterns for the SageMaker resources warmgate may touch: every endpoint, endpoint config and
 * model whose name starts with the configured prefix, in this account and region.
 *
 * Model and config names start with the endpoint name (core/resource-names.ts makes them
 * `ENDPOINT-m-HASH` and `ENDPOINT-c-HASH`), so one prefix scopes all three kinds. SageMaker puts
 * names lower-cased into ARNs, which is why the prefix is lower-case (see stack-config.ts).
 */
export class EndpointScope {
  constructor(
    private readonly stack: Stack,
    readonly prefix: string,
  ) {}

  /** `arn:…:endpoint/PREFIX*` */
  endpoints(): string {
    return this.sagemaker('endpoint');
  }

  /** `arn:…:endpoint-config/PREFIX*` */
  endpointConfigs(): string {
    return this.sagemaker('endpoint-config');
  }

  /** `arn:…:model/PREFIX*` */
  models(): string {
    return this.sagemaker('model');
  }

  /**
   * The CloudWatch alarms Application Auto Scaling makes for a target-tracking policy on one of
   * these endpoints: it names them `TargetTracking-endpoint/NAME/variant/VARIANT-AlarmHigh-…`.
   */
  targetTrackingAlarms(): string {
    return this.stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: `TargetTracking-endpoint/${this.prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** The log groups SageMaker hosting writes container output to: `/aws/sagemaker/Endpoints/NAME`. */
  endpointLogGroups(): string {
    return this.stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `/aws/sagemaker/Endpoints/${this.prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private sagemaker(resource: string): string {
    return this.stack.formatArn({ service: 'sagemaker', resource, resourceName: `${this.prefix}*` });
  }
}
