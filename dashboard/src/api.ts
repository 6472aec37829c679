import type { ApiErrorBody } from '../../functions/dashboard-api/api-contract.js';

/** One refused field, as the API reports it (core's ValidationError issues). */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

/** A failed API call: the HTTP status, the taxonomy code and, for a 400, each refused field. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'warmgate.token';

/**
 * The access token: from `?token=` (the local region's printed URL) or the Cognito hosted UI's
 * `#access_token=`/`#id_token=` fragment, else from this tab's session storage. The token is then
 * removed from the address bar so it does not end up in history, bookmarks or screenshots.
 */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const fresh = url.searchParams.get('token') ?? fragment.get('access_token') ?? fragment.get('id_token');
  if (fresh) {
    sessionStorage.setItem(TOKEN_KEY, fresh);
    url.searchParams.delete('token');
    url.hash = '';
    window.history.replaceState(null, '', url);
    return fresh;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Calls the dashboard API with the bearer token and returns the typed JSON answer. */
export class Api {
  constructor(private readonly token: string | null) {}

  get<T>(path: string): Promise<T> {
    return this.#call<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.#call<T>('POST', path, body);
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        cache: 'no-store',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'UNREACHABLE', 'the dashboard API cannot be reached');
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as Partial<ApiErrorBody> | undefined)?.error;
      throw new ApiError(
        response.status,
        error?.code ?? 'HTTP_ERROR',
        error?.message ?? `HTTP ${response.status}`,
        error?.issues ?? [],
      );
    }
    return parsed as T;
  }
}
