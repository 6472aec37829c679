import { spawn } from 'node:child_process';
import { copyFile, cp, link, mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ValidationError } from '../../core/errors.js';

/** The suffix of an image repository that runs this repository's container. */
export const WARMGATE_IMAGE_SUFFIX = 'warmgate-container';

/** Where an instance's model comes from: a directory to copy or a tarball to extract. */
export type ModelData =
  | { readonly kind: 'directory'; readonly url: string; readonly path: string }
  | { readonly kind: 'tarball'; readonly url: string; readonly path: string };

/** A model the local region can run: checked at CreateModel, used at every instance launch. */
export interface ModelSource {
  readonly image: string;
  readonly modelData: ModelData;
  /** The container definition's `Environment`, passed to every instance. */
  readonly environment: Readonly<Record<string, string>>;
  /** False when `Environment.WARMGATE_GATE` is `off`: the instance starts with `--no-gate`. */
  readonly gate: boolean;
}

/**
 * The repository part of an image URI, without registry host, tag or digest:
 * `1234.dkr.ecr.us-east-1.amazonaws.com/team/warmgate-container:v3` → `team/warmgate-container`.
 */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const withoutTag = colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
  const parts = withoutTag.split('/');
  // A first part with a dot or a port, or `localhost`, is a registry host, not a path segment.
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost'))
    parts.shift();
  return parts.join('/');
}

/**
 * Checks that the local region can run `image` with `modelDataUrl`, as CreateModel does.
 *
 * @throws ValidationError naming the field, when the image is not a warmgate container, the URL
 *   is not `file://`, or nothing usable exists at the path.
 */
export async function resolveModelSource(input: {
  image: string | undefined;
  modelDataUrl: string | undefined;
  environment: Readonly<Record<string, string>> | undefined;
  cwd: string;
}): Promise<ModelSource> {
  const { image, modelDataUrl } = input;
  if (!image) throw ValidationError.field('PrimaryContainer.Image', 'is required by the local region');
  if (!imageRepository(image).endsWith(WARMGATE_IMAGE_SUFFIX)) {
    throw ValidationError.field(
      'PrimaryContainer.Image',
      `the local region runs only images whose repository ends in "${WARMGATE_IMAGE_SUFFIX}" (got "${image}")`,
    );
  }
  if (!modelDataUrl) {
    throw ValidationError.field(
      'PrimaryContainer.ModelDataUrl',
      'is required: a file:// directory or .tar.gz',
    );
  }
  if (!modelDataUrl.startsWith('file://')) {
    throw ValidationError.field(
      'PrimaryContainer.ModelDataUrl',
      `the local region reads only file:// URLs, a directory or a .tar.gz (got "${modelDataUrl}")`,
    );
  }
  const path = resolve(input.cwd, decodeURIComponent(modelDataUrl.slice('file://'.length)));
  const info = await stat(path).catch(() => undefined);
  let modelData: ModelData;
  if (info?.isDirectory()) {
    modelData = { kind: 'directory', url: modelDataUrl, path };
  } else if (info?.isFile() && /\.(tar\.gz|tgz)$/.test(path)) {
    modelData = { kind: 'tarball', url: modelDataUrl, path };
  } else {
    throw ValidationError.field(
      'PrimaryContainer.ModelDataUrl',
      `Could not access model data at ${modelDataUrl}: expected a directory or a .tar.gz file`,
    );
  }
  const environment = input.environment ?? {};
  return { image, modelData, environment, gate: environment.WARMGATE_GATE?.toLowerCase() !== 'off' };
}

/**
 * Fills `dst` with hard links to the files under `src` (copies where a link cannot be made, such
 * as across file systems). A link costs nothing however large the model is: copying the example
 * model's 7.6 MB into each instance took ~25 ms of a local rollout. The container only reads its
 * model directory. A running instance keeps the files it started with, as it would with a copy,
 * as long as model files are replaced (written beside and renamed, as writeExampleModel does)
 * rather than rewritten in place; a tool that rewrites a file in place (`cp` over it) changes it
 * under the instances too. The README says so.
 */
async function linkTree(src: string, dst: string): Promise<void> {
  await mkdir(dst, { recursive: true });
  for (const entry of await readdir(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    const to = join(dst, entry.name);
    if (entry.isDirectory()) await linkTree(from, to);
    else if (entry.isFile()) await link(from, to).catch(() => copyFile(from, to));
    else await cp(from, to, { recursive: true });
  }
}

/**
 * Gives an instance its own model directory in `dir`, as SageMaker downloads and extracts
 * `model.tar.gz` into each instance's /opt/ml/model. Directories are linked file by file
 * (linkTree); tarballs are extracted with the system `tar`.
 *
 * @throws ValidationError when the tarball cannot be extracted.
 */
export async function materializeModel(data: ModelData, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (data.kind === 'directory') {
    await linkTree(data.path, dir);
    return;
  }
  await new Promise<void>((done, fail) => {
    const tar = spawn('tar', ['-xzf', data.path, '-C', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    tar.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    tar.on('error', fail);
    tar.on('exit', (code) => {
      if (code === 0) done();
      else fail(ValidationError.field('ModelDataUrl', `tar could not extract ${data.url}: ${stderr.trim()}`));
    });
  });
}
