/**
 * The instance types SageMaker real-time endpoints accept, as `family: sizes`.
 *
 * Taken from SageMaker's ProductionVariantInstanceType enum (API version 2017-07-24). A typo such
 * as `ml.m5.larg` would otherwise surface only after CreateEndpointConfig, minutes into a
 * rollout; refusing it up front keeps "exit 2, nothing changed" honest. A type AWS adds later is
 * one line here.
 */
const HOSTING_INSTANCE_FAMILIES: Readonly<Record<string, string>> = {
  t2: 'medium large xlarge 2xlarge',
  m4: 'xlarge 2xlarge 4xlarge 10xlarge 16xlarge',
  m5: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  m5d: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  m6g: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  m6gd: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  m6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  m7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  m8g: 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  c4: 'large xlarge 2xlarge 4xlarge 8xlarge',
  c5: 'large xlarge 2xlarge 4xlarge 9xlarge 18xlarge',
  c5d: 'large xlarge 2xlarge 4xlarge 9xlarge 18xlarge',
  c6g: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  c6gd: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  c6gn: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  c6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  c6in: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  c7g: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  c7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  c8g: 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  r5: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  r5d: 'large xlarge 2xlarge 4xlarge 12xlarge 24xlarge',
  r6g: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  r6gd: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  r6i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 32xlarge',
  r7gd: 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  r7i: 'large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  r8g: 'medium large xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g4dn: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge',
  g5: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g6: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g6e: 'xlarge 2xlarge 4xlarge 8xlarge 12xlarge 16xlarge 24xlarge 48xlarge',
  g7: '2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge',
  g7e: '2xlarge 4xlarge 8xlarge 12xlarge 24xlarge 48xlarge',
  p2: 'xlarge 8xlarge 16xlarge',
  p3: '2xlarge 8xlarge 16xlarge',
  p4d: '24xlarge',
  p4de: '24xlarge',
  p5: '4xlarge 48xlarge',
  p5e: '48xlarge',
  p5en: '48xlarge',
  'p6-b200': '48xlarge',
  'p6-b300': '48xlarge',
  'p6e-gb200': '36xlarge',
  dl1: '24xlarge',
  inf1: 'xlarge 2xlarge 6xlarge 24xlarge',
  inf2: 'xlarge 8xlarge 24xlarge 48xlarge',
  trn1: '2xlarge 32xlarge',
  trn1n: '32xlarge',
  trn2: '48xlarge',
};

/** Every `ml.*` type a real-time endpoint accepts. */
export const HOSTING_INSTANCE_TYPES: ReadonlySet<string> = new Set(
  Object.entries(HOSTING_INSTANCE_FAMILIES).flatMap(([family, sizes]) =>
    sizes.split(' ').map((size) => `ml.${family}.${size}`),
  ),
);

/** The type a rollout uses when none is given: small, CPU, available in every region. */
export const DEFAULT_INSTANCE_TYPE = 'ml.m5.large';

/** True when SageMaker real-time hosting accepts `value` as an instance type. */
export function isHostingInstanceType(value: string): boolean {
  return HOSTING_INSTANCE_TYPES.has(value);
}
