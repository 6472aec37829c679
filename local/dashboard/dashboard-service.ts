import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiRequest, DashboardApi } from '../../functions/dashboard-api/dashboard-api.js';
import type { RestRequest, RestService } from '../service.js';
import { errorMapper } from '../wire-error.js';

/**
 * True when `authorization` is `Bearer <token>`. Both sides are hashed first so the comparison
 * takes the same time whatever the presented token's length or content.
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  if (!presented) return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]),
  );
}

/** The dashboard request a REST route received. */
export function apiRequestOf(request: RestRequest): ApiRequest {
  return {
    method: request.method,
    path: request.path,
    query: request.query,
    headers: flatHeaders(request.headers),
    body: request.body.toString('utf8'),
  };
}

/**
 * The dashboard as a service of the local region: the page at `/` and `/dashboard/*`, the API at
 * `/api/*`. The API function answers everything itself (including 401s); the error mapper only
 * sees what escapes it, which would be a bug.
 */
export function createDashboardService(
  api: DashboardApi,
  onUnexpected?: (error: unknown) => void,
): RestService {
  const handle = async (request: RestRequest) => {
    const response = await api(apiRequestOf(request));
    return { status: response.status, headers: response.headers, body: response.body };
  };
  return {
    kind: 'rest',
    name: 'Dashboard',
    routes: [
      { method: 'GET', path: '/', operation: 'DashboardPage', handle },
      { method: 'GET', path: '/dashboard/{file+}', operation: 'DashboardAsset', handle },
      { method: '*', path: '/api/{route+}', operation: 'DashboardApi', handle },
    ],
    errors: errorMapper(
      {
        validation: { type: 'ValidationError' },
        notFound: { type: 'NotFoundError', status: 404 },
        conflict: { type: 'ConflictError', status: 409 },
      },
      onUnexpected,
    ),
  };
}
