import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The repository root: NodejsFunction's project root, and where `functions/` lives. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The newest Node.js runtime the CDK knows. cfn-lint fails nodejs20.x as deprecated, and cdk-nag's
 * AwsSolutions-L1 asks for the newest runtime of the family, so this moves with aws-cdk-lib.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** Graviton: the same cold start for the I/O-bound steps, at a lower price per GB-second. */
export const LAMBDA_ARCHITECTURE = Architecture.ARM_64;

/**
 * Text esbuild puts into an ESM bundle when a CommonJS dependency `require`s a module left external
 * (a Node built-in): without a real `require` in scope, that call throws "Dynamic require of X is
 * not supported" at run time, and only when the code path runs. No bundle needs it since `yaml`
 * comes from its ES module build (below); the banner stays so that the next CommonJS dependency
 * cannot fail that way.
 */
export const DYNAMIC_REQUIRE_SHIM = 'Dynamic require of';

/** Puts a real `require` into module scope, for {@link DYNAMIC_REQUIRE_SHIM}'s callers. */
export const CREATE_REQUIRE_BANNER =
  "import{createRequire as __warmgateRequire}from'node:module';const require=__warmgateRequire(import.meta.url);";

/**
 * How every warmgate Lambda is bundled. The benchmark (bench/lambda-bundles.ts) measures the
 * bundles the stack stages with exactly these options, not a re-creation of them.
 *
 * The AWS SDK is bundled instead of taken from the runtime: the runtime's copy is whatever version
 * AWS ships that month, while the handlers are tested (locally and in CI) against the versions
 * pinned in package-lock.json; bundling also lets esbuild keep only the commands a handler imports,
 * where the runtime's copy loads each whole client package from disk.
 *
 * @param metafile also write esbuild's `index.meta.json` next to each bundle (for the benchmark's
 *   "which import dominates" analysis); off for deployments, as it would ship in the zip.
 * @param afterBundling shell commands that add files beside the bundle (the dashboard's page),
 *   given the repository root and the bundle's output directory.
 */
export function lambdaBundling(
  metafile = false,
  afterBundling?: (repoRoot: string, outputDir: string) => string[],
): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    minify: true,
    sourceMap: false,
    target: 'node24',
    // Prefer the ES module builds of dependencies: esbuild can tree-shake those, not CommonJS.
    mainFields: ['module', 'main'],
    // esbuild escapes every non-ASCII character as \uXXXX by default; zod's error-message locales
    // (Hebrew, Russian, Tamil, …) grow by a third that way. Node reads source files as UTF-8.
    // Passed as a raw argument: aws-cdk-lib 2.276 accepts the `charset` option but never hands
    // it to esbuild.
    esbuildArgs: {
      '--charset': 'utf8',
      // Environment-variable credentials only: see functions/shared/lambda-credentials.ts.
      // esbuild resolves a relative alias target against its working directory, the project root.
      '--alias:@aws-sdk/credential-provider-node': './functions/shared/lambda-credentials.ts',
      // yaml's `node` export is its CommonJS build, which esbuild cannot tree-shake (113 KiB in
      // calendar-sync); its ES module build differs only in logging warnings with console.warn
      // and decoding YAML 1.1 `!!binary` with atob, which calendars never use. Tests and the CLI
      // keep the Node build.
      '--alias:yaml': './node_modules/yaml/browser/index.js',
    },
    bundleAwsSDK: true,
    externalModules: [],
    banner: CREATE_REQUIRE_BANNER,
    metafile,
    ...(afterBundling === undefined
      ? {}
      : {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling,
          },
        }),
  };
}

/**
 * {@link lambdaBundling}'s options as esbuild's own build options, for building a module the way
 * the stack bundles its Lambdas without synthesising the stack (the bundle benchmark's what-ifs,
 * the test that the bundled calendar parsers behave as the source does).
 */
export function lambdaBuildOptions(): BuildOptions {
  const options = lambdaBundling();
  const { '--charset': charset, ...rest } = options.esbuildArgs ?? {};
  // `--alias:FROM=TO` arguments become esbuild's `alias` option, TO resolved from the project root
  // as the esbuild CLI that CDK runs there would.
  const alias: Record<string, string> = {};
  const otherArgs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key.startsWith('--alias:') && typeof value === 'string')
      alias[key.slice('--alias:'.length)] = join(REPO_ROOT, value);
    else otherArgs[key] = value;
  }
  if (Object.keys(otherArgs).length > 0) {
    throw new Error(
      `translate these esbuild arguments for the what-if builds: ${Object.keys(otherArgs).join(', ')}`,
    );
  }
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: options.target ?? 'node24',
    minify: options.minify ?? false,
    ...(options.mainFields ? { mainFields: options.mainFields } : {}),
    ...(charset === 'utf8' ? { charset: 'utf8' as const } : {}),
    ...(options.banner ? { banner: { js: options.banner } } : {}),
    external: options.externalModules ?? [],
    ...(Object.keys(alias).length > 0 ? { alias } : {}),
    logLevel: 'silent',
  };
}
