import * as z from 'zod';
import { parseOrThrow } from './validation.js';

declare const brand: unique symbol;

/**
 * A nominal type: a `T` that has passed the check that makes it a `B`. The brand exists only at
 * compile time, so a raw string cannot reach an API that needs, say, a checked endpoint name.
 */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type EndpointName = Brand<string, 'EndpointName'>;
export type VariantName = Brand<string, 'VariantName'>;
export type ModelName = Brand<string, 'ModelName'>;
export type EndpointConfigName = Brand<string, 'EndpointConfigName'>;

/**
 * SageMaker's pattern for endpoint, variant, model and endpoint-config names. The regex alone
 * does not bound hyphens (`-*`), so the 63-character limit is checked separately.
 */
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const SAGEMAKER_NAME_MAX_LENGTH = 63;

/** True when `value` is a name SageMaker accepts for an endpoint, variant, model or config. */
export function isSageMakerName(value: string): boolean {
  return value.length <= SAGEMAKER_NAME_MAX_LENGTH && SAGEMAKER_NAME_PATTERN.test(value);
}

const sageMakerName = z
  .string({ error: 'must be a string' })
  .max(SAGEMAKER_NAME_MAX_LENGTH, `must be at most ${SAGEMAKER_NAME_MAX_LENGTH} characters`)
  .regex(
    SAGEMAKER_NAME_PATTERN,
    'must be letters, digits and hyphens, start and end with a letter or digit (^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})',
  );

/** zod schema for an {@link EndpointName}; use inside larger schemas. */
export const endpointNameSchema = sageMakerName.transform((value) => value as EndpointName);
/** zod schema for a {@link VariantName}; use inside larger schemas. */
export const variantNameSchema = sageMakerName.transform((value) => value as VariantName);

/** The variant name SageMaker's console and most examples use for a single-variant endpoint. */
export const DEFAULT_VARIANT = 'AllTraffic' as VariantName;

/**
 * Checks an endpoint name against SageMaker's rules.
 *
 * @throws ValidationError naming `field` when the name is not a valid SageMaker endpoint name.
 */
export function parseEndpointName(value: unknown, field = 'endpoint'): EndpointName {
  return parseOrThrow(endpointNameSchema, value, field);
}

/**
 * Checks a production-variant name against SageMaker's rules.
 *
 * @throws ValidationError naming `field` when the name is not a valid SageMaker variant name.
 */
export function parseVariantName(value: unknown, field = 'variant'): VariantName {
  return parseOrThrow(variantNameSchema, value, field);
}
