import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a synthesised CloudFormation template that the checks read. */
export interface SynthesizedTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

interface AssetManifest {
  readonly files: Record<
    string,
    { source: { path: string }; destinations: Record<string, { objectKey: string }> }
  >;
}

/** Reads `STACK.template.json` from a cloud assembly directory. */
export function readTemplate(assemblyDir: string, stackName: string): SynthesizedTemplate {
  return JSON.parse(
    readFileSync(join(assemblyDir, `${stackName}.template.json`), 'utf8'),
  ) as SynthesizedTemplate;
}

/**
 * The staged file or directory behind an S3 object key that the template refers to (a Lambda's
 * `Code.S3Key`, a state machine's `DefinitionS3Location.Key`): exactly what `cdk deploy` uploads.
 *
 * @throws Error when no asset of the stack has that key.
 */
export function stagedAssetPath(assemblyDir: string, stackName: string, objectKey: string): string {
  const manifest = JSON.parse(
    readFileSync(join(assemblyDir, `${stackName}.assets.json`), 'utf8'),
  ) as AssetManifest;
  for (const file of Object.values(manifest.files)) {
    if (Object.values(file.destinations).some((d) => d.objectKey === objectKey)) {
      return join(assemblyDir, file.source.path);
    }
  }
  throw new Error(`no asset of ${stackName} is uploaded as ${objectKey}`);
}

/** Each Lambda of the stack by function name, with the directory of its staged bundle. */
export function stagedLambdaBundles(assemblyDir: string, stackName: string): Map<string, string> {
  const bundles = new Map<string, string>();
  for (const resource of Object.values(readTemplate(assemblyDir, stackName).Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const props = resource.Properties as { FunctionName: string; Code: { S3Key: string } };
    bundles.set(props.FunctionName, stagedAssetPath(assemblyDir, stackName, props.Code.S3Key));
  }
  return bundles;
}

const PLACEHOLDER_ARN = 'arn:aws:iam::123456789012:role/synth-placeholder';

/**
 * A Lambda's environment as the synthesised template gives it, with each value CloudFormation
 * would fill in at deploy time (Ref, GetAtt, a Join around them) replaced by a stand-in of the
 * same shape: a whole token becomes an ARN, a token inside a Join (`s3://${Bucket}/calendar.yaml`)
 * becomes a plain word. Enough for a handler's config schema, as the real values would be.
 */
export function standInEnvironment(variables: Readonly<Record<string, unknown>>): Record<string, string> {
  const standIn = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join)
      return join[1].map((part) => (typeof part === 'string' ? part : 'synth-placeholder')).join(join[0]);
    return PLACEHOLDER_ARN;
  };
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, standIn(value)]));
}
