import type { EndpointConfigName, EndpointName, ModelName, VariantName } from './names.js';
import type { RolloutRequest } from './rollout-request.js';

/**
 * Deterministic, content-hashed names for the resources a rollout creates.
 *
 * Same content ⇒ same name, so a Lambda step that crashed after CreateModel and is retried finds
 * "already exists" under the very name it meant to create, treats it as success, and leaves no
 * duplicate. Different content ⇒ a different name, which SageMaker needs anyway: every update
 * takes a new EndpointConfig.
 *
 * The hash is FNV-1a 64 written here rather than node:crypto's SHA-256: core is also bundled into
 * the dashboard for the browser, where node:crypto does not exist, and these names need stability
 * and spread, not collision resistance against an attacker. 64 bits make an accidental clash among
 * the few dozen configs an endpoint ever has vanishingly unlikely (~n²/2⁶⁵).
 */

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** 16 lowercase hex digits of FNV-1a 64 over the UTF-8 bytes of `text`. */
export function fnv1a64(text: string): string {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * JSON with object keys sorted and undefined members dropped, so the hash depends on content
 * only, never on the order a caller happened to build an object in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The content hash of any JSON-like value: {@link fnv1a64} over {@link canonicalJson}. */
export function contentHash(value: unknown): string {
  return fnv1a64(canonicalJson(value));
}

// SageMaker names are at most 63 characters: stem + "-m-" + 16 hex digits must fit.
const HASH_SUFFIX_LENGTH = 3 + 16;
const STEM_MAX_LENGTH = 63 - HASH_SUFFIX_LENGTH;

function hashedName(endpoint: EndpointName, kind: 'm' | 'c', content: unknown): string {
  // Trailing hyphens are trimmed so a cut stem never ends in "-" right before the kind marker.
  const stem = endpoint.slice(0, STEM_MAX_LENGTH).replace(/-+$/, '');
  return `${stem}-${kind}-${contentHash(content)}`;
}

/** Everything that makes one SageMaker Model different from another. */
export interface ModelContent {
  readonly image: string;
  readonly modelDataUrl: string;
  readonly executionRoleArn?: string;
  readonly environment?: Readonly<Record<string, string>>;
}

/** Everything that makes one single-variant EndpointConfig different from another. */
export interface EndpointConfigContent {
  readonly modelName: ModelName;
  readonly variant: VariantName;
  readonly instanceType: string;
  readonly initialInstanceCount: number;
  readonly startupTimeoutSeconds: number;
  readonly modelDataDownloadTimeoutSeconds: number;
}

/** `ENDPOINT-m-HASH`: the Model name for this content, within SageMaker's 63 characters. */
export function modelName(endpoint: EndpointName, content: ModelContent): ModelName {
  return hashedName(endpoint, 'm', content) as ModelName;
}

/** `ENDPOINT-c-HASH`: the EndpointConfig name for this content, within SageMaker's 63 characters. */
export function endpointConfigName(
  endpoint: EndpointName,
  content: EndpointConfigContent,
): EndpointConfigName {
  return hashedName(endpoint, 'c', content) as EndpointConfigName;
}

/** The Model and EndpointConfig a rollout creates, names included. */
export interface RolloutResources {
  readonly model: ModelContent & { readonly name: ModelName };
  readonly endpointConfig: EndpointConfigContent & { readonly name: EndpointConfigName };
}

/**
 * Plans the resources for a rollout.
 *
 * The initial instance count is max(requested, live desired count): an update must not start the
 * new fleet smaller than what autoscaling is serving with right now, or the blue/green cutover
 * itself would shed capacity mid-peak. Because the live count is part of the config's content, a
 * retry that sees the same live count gets the same config name.
 */
export function rolloutResources(
  request: RolloutRequest,
  context: {
    readonly liveDesiredCount?: number;
    readonly executionRoleArn?: string;
    readonly environment?: Readonly<Record<string, string>>;
  } = {},
): RolloutResources {
  const modelContent: ModelContent = {
    image: request.image,
    modelDataUrl: request.modelDataUrl,
    ...(context.executionRoleArn === undefined ? {} : { executionRoleArn: context.executionRoleArn }),
    ...(context.environment === undefined ? {} : { environment: context.environment }),
  };
  const model = { ...modelContent, name: modelName(request.endpoint, modelContent) };
  const configContent: EndpointConfigContent = {
    modelName: model.name,
    variant: request.variant,
    instanceType: request.instanceType,
    initialInstanceCount: Math.max(request.instanceCount, context.liveDesiredCount ?? 0),
    startupTimeoutSeconds: request.startupTimeoutSeconds,
    modelDataDownloadTimeoutSeconds: request.modelDataDownloadTimeoutSeconds,
  };
  return {
    model,
    endpointConfig: { ...configContent, name: endpointConfigName(request.endpoint, configContent) },
  };
}
