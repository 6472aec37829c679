import type { EndpointSummary, VariantSummary } from '../../functions/dashboard-api/api-contract.js';
import { h, replaceChildren } from './dom.js';
import { count } from './format.js';

export interface EndpointActions {
  readonly prewarmAvailable: () => boolean;
  readonly onPrewarm: (endpoint: EndpointSummary, variant: VariantSummary) => void;
  readonly onRollout: (endpoint: EndpointSummary, variant: VariantSummary) => void;
}

const STATUS_TONE: Readonly<Record<string, string>> = {
  InService: 'good',
  Creating: 'busy',
  Updating: 'busy',
  SystemUpdating: 'busy',
  RollingBack: 'warn',
  Failed: 'bad',
  UpdateRollbackFailed: 'bad',
  OutOfService: 'bad',
  Deleting: 'warn',
};

/** "2 of 2 warm" with "1 warming" when an instance is still behind its /ping gate. */
function warmText(variant: VariantSummary): string {
  const of = variant.desiredInstances ?? variant.currentInstances;
  const warming = variant.warmingInstances ? `, ${variant.warmingInstances} warming` : '';
  return `${count(variant.warmInstances)} of ${count(of)} warm${warming}`;
}

/** Renders one table row per endpoint variant (one per endpoint for warmgate's own). */
export function renderEndpoints(
  body: HTMLTableSectionElement,
  endpoints: readonly EndpointSummary[],
  actions: EndpointActions,
): void {
  if (endpoints.length === 0) {
    replaceChildren(body, h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No endpoints yet.')));
    return;
  }
  const prewarm = actions.prewarmAvailable();
  const rows = endpoints.flatMap((endpoint) =>
    endpoint.variants.map((variant) => {
      const name = endpoint.variants.length > 1 ? `${endpoint.name} / ${variant.name}` : endpoint.name;
      const readinessId = `readiness-${endpoint.name}-${variant.name}`;
      return h(
        'tr',
        { 'data-endpoint': endpoint.name },
        h('th', { scope: 'row' }, name, h('span', { class: 'sub' }, variant.instanceType ?? '')),
        h(
          'td',
          {},
          h('span', { class: `badge ${STATUS_TONE[endpoint.status] ?? 'busy'}` }, endpoint.status),
          endpoint.failureReason ? h('span', { class: 'sub reason' }, endpoint.failureReason) : null,
        ),
        h(
          'td',
          { class: 'warm-cell' },
          h('span', { class: `warm ${variant.readiness.kind}` }, warmText(variant)),
          h(
            'span',
            { class: 'sub', id: readinessId },
            variant.readiness.kind === 'ready' ? '' : variant.readiness.detail,
          ),
        ),
        h('td', { class: 'num' }, `${count(variant.currentInstances)} / ${count(variant.desiredInstances)}`),
        h(
          'td',
          { class: 'num' },
          variant.floor === null ? 'not set' : `${variant.floor}–${count(variant.max)}`,
        ),
        h('td', { class: 'image' }, h('code', {}, variant.image ?? '—')),
        h(
          'td',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              disabled: !prewarm,
              title: prewarm ? undefined : 'The warmgate-prewarm state machine is not deployed',
              'aria-label': `Pre-warm ${endpoint.name}`,
              onclick: () => actions.onPrewarm(endpoint, variant),
            },
            'Pre-warm…',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': `Roll out to ${endpoint.name}`,
              onclick: () => actions.onRollout(endpoint, variant),
            },
            'Roll out…',
          ),
        ),
      );
    }),
  );
  replaceChildren(body, ...rows);
}
