import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the deployed Lambda bundles (an esbuild
 * alias in infra/lambda-bundling.ts). A Lambda's credentials are always its execution role's,
 * handed over in environment variables, which is the first source the default chain tries; the
 * rest of the chain (SSO, INI profiles, web identity, IMDS and the STS/SSO clients behind them)
 * is about 130 KB of bundle that only costs cold start. Local runs and tests keep the real chain.
 */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
