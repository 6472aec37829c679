import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { EndpointScope } from './endpoint-scope.js';
import { allow } from './least-privilege.js';

export interface ModelExecutionRoleProps {
  readonly scope: EndpointScope;
  /** An existing bucket holding model artifacts; without one, the construct creates a bucket. */
  readonly modelBucketName?: string;
  /** ECR repositories (in this account and region) that model images are pulled from. */
  readonly imageRepositories: readonly string[];
}

/**
 * The role SageMaker assumes to run warmgate's models: pull the image, read the model artifact,
 * write the container's logs and instance metrics. CreateModel passes it to SageMaker, and the
 * create-or-update Lambda may pass this role and no other.
 */
export class ModelExecutionRole extends Construct {
  readonly role: Role;
  /**
   * The model artifact bucket, by the three members the stack uses. (A created `Bucket` and an
   * imported `IBucket` differ under exactOptionalPropertyTypes, so the wider type will not unify.)
   */
  readonly modelBucket: Pick<IBucket, 'bucketArn' | 'bucketName' | 'arnForObjects'>;

  constructor(scope: Construct, id: string, props: ModelExecutionRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'warmgate models: image pull, model artifact read, endpoint logs and metrics',
    });
    this.modelBucket =
      props.modelBucketName === undefined
        ? this.createModelBucket()
        : Bucket.fromBucketName(this, 'ModelBucket', props.modelBucketName);

    allow(this.role, {
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
      why: 'SageMaker logs in to ECR before it pulls the model image.',
      wildcard: 'ecr:GetAuthorizationToken has no resource type: it issues a registry-wide token.',
    });
    allow(this.role, {
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      resources: props.imageRepositories.map((name) =>
        stack.formatArn({ service: 'ecr', resource: 'repository', resourceName: name }),
      ),
      why: 'SageMaker pulls the model image from the configured repositories only.',
    });
    allow(this.role, {
      actions: ['s3:GetObject'],
      resources: [this.modelBucket.arnForObjects('*')],
      why: 'SageMaker downloads the model artifact (ModelDataUrl) at instance start.',
      wildcard:
        'Artifact keys are content-addressed per release and unknown at deploy time; the bucket is fixed.',
    });
    allow(this.role, {
      actions: ['s3:ListBucket'],
      resources: [this.modelBucket.bucketArn],
      why: 'SageMaker lists the prefix when ModelDataUrl names an uncompressed S3 prefix instead of a .tar.gz.',
    });
    allow(this.role, {
      actions: [
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'logs:DescribeLogStreams',
      ],
      resources: [props.scope.endpointLogGroups()],
      why: "SageMaker writes each instance's container output to the endpoint's log group.",
      wildcard:
        'One log group per endpoint, named after endpoints created at run time; scoped to the endpoint prefix.',
    });
    allow(this.role, {
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' } },
      why: 'SageMaker publishes the instance metrics (CPU, memory, disk) of the endpoint.',
      wildcard:
        'PutMetricData has no resource type; the cloudwatch:namespace condition limits it to SageMaker endpoint metrics.',
    });
  }

  private createModelBucket(): Bucket {
    const bucket = new Bucket(this, 'ModelBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      // Model artifacts are what production runs; a stack deletion must not take them along.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Model artifacts are written by CI and read by SageMaker only; object-level access is audited with CloudTrail data events, which an access-log bucket would duplicate at extra cost.',
    });
    return bucket;
  }
}
