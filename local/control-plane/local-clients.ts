import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';

/** Real SDK v3 clients aimed at a local region, with the dummy credentials it accepts. */
export interface LocalClients {
  readonly sagemaker: SageMakerClient;
  readonly runtime: SageMakerRuntimeClient;
  readonly scaling: ApplicationAutoScalingClient;
  readonly cloudwatch: CloudWatchClient;
  readonly dynamodb: DynamoDBClient;
}

export function localClientConfig(url: string) {
  return {
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  };
}

export function localClients(url: string): LocalClients {
  const config = localClientConfig(url);
  return {
    sagemaker: new SageMakerClient(config),
    runtime: new SageMakerRuntimeClient(config),
    scaling: new ApplicationAutoScalingClient(config),
    cloudwatch: new CloudWatchClient(config),
    dynamodb: new DynamoDBClient(config),
  };
}
