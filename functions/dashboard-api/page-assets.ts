import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';

/** One static file of the page, held in memory. */
export interface PageAsset {
  readonly contentType: string;
  readonly body: Buffer;
  /** A strong validator, so a reload costs a 304 rather than the bundle. */
  readonly etag: string;
}

/** The built page by URL path: `/` is index.html, the rest live under `/dashboard/`. */
export type PageAssets = ReadonlyMap<string, PageAsset>;

/** The URL prefix of the page's scripts and styles; the API lives under `/api/`. */
export const ASSET_PREFIX = '/dashboard/';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Reads a built page directory (dashboard/build.ts's output) into memory: `index.html` is
 * served at `/`, every other file at `/dashboard/<path>`. Files of unknown type are left out.
 *
 * @throws Error (ENOENT) when `dir` does not exist: a deployment without the page is broken.
 */
export async function readPageAssets(dir: string): Promise<PageAssets> {
  const assets = new Map<string, PageAsset>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const contentType = CONTENT_TYPES[extname(entry.name)];
    if (!contentType) continue;
    const full = join(entry.parentPath, entry.name);
    const path = relative(dir, full).split(sep).join('/');
    const body = await readFile(full);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(path === 'index.html' ? '/' : `${ASSET_PREFIX}${path}`, { contentType, body, etag });
  }
  return assets;
}
