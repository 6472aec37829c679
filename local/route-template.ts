/**
 * A compiled REST path template: literal segments, `{Name}` for one segment, and a trailing
 * `{Name+}` for the rest of the path (API Gateway's greedy form, which Scheduler-style and
 * dashboard routes need).
 */
export interface RouteTemplate {
  readonly template: string;
  /** The parameters of `path`, URL-decoded, or `undefined` when it does not match. */
  match(path: string): Record<string, string> | undefined;
}

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

/**
 * Compiles `template`.
 *
 * @throws Error when a greedy parameter is not the last segment (a programming error).
 */
export function compileRoute(template: string): RouteTemplate {
  const segments: Segment[] = splitPath(template).map((part) => {
    const param = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
    if (!param) return { kind: 'literal', text: part };
    const name = param[1] as string;
    return param[2] ? { kind: 'greedy', name } : { kind: 'param', name };
  });
  const greedyAt = segments.findIndex((s) => s.kind === 'greedy');
  if (greedyAt !== -1 && greedyAt !== segments.length - 1) {
    throw new Error(`route ${template}: a {name+} parameter must be last`);
  }
  return {
    template,
    match(path) {
      const parts = splitPath(path);
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i += 1) {
        const segment = segments[i] as Segment;
        if (segment.kind === 'greedy') {
          if (i >= parts.length) return undefined;
          params[segment.name] = parts.slice(i).map(decode).join('/');
          return params;
        }
        const part = parts[i];
        if (part === undefined) return undefined;
        if (segment.kind === 'literal') {
          if (part !== segment.text) return undefined;
        } else {
          params[segment.name] = decode(part);
        }
      }
      return parts.length === segments.length ? params : undefined;
    },
  };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part.length > 0);
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
