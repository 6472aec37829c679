import { ValidationError } from '../core/errors.js';

/** One page of a list and the token for the next, as AWS list operations return them. */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | undefined;
}

/**
 * Cuts `items` into AWS-style pages. Tokens are opaque to clients (base64 of an offset), so a
 * client that pages through a list that changes underneath may skip or repeat an item — as with
 * AWS, where a token is only a position.
 *
 * @throws ValidationError when `nextToken` was not issued by this function.
 */
export function paginate<T>(
  items: readonly T[],
  request: { readonly maxResults?: number | undefined; readonly nextToken?: string | undefined },
  defaultMax: number,
): Page<T> {
  let offset = 0;
  if (request.nextToken !== undefined) {
    const decoded = Number(Buffer.from(request.nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0)
      throw ValidationError.field('NextToken', 'is not a valid token');
    offset = decoded;
  }
  const size = request.maxResults ?? defaultMax;
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}
