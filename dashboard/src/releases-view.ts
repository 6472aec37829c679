import type { PlannedRelease, ReleasesResponse } from '../../functions/dashboard-api/api-contract.js';
import { h, replaceChildren } from './dom.js';
import { formatDateTime, formatRelative } from './format.js';

/** Renders the planned pre-warm windows with their readiness, and the calendar's state. */
export function renderReleases(
  body: HTMLTableSectionElement,
  note: HTMLElement,
  releases: ReleasesResponse,
  onPrewarm: (release: PlannedRelease) => void,
): void {
  // calendar-sync plans a horizon ahead (14 days by default); a longer view ends where it does.
  const horizonEnd =
    releases.plannedUntil === null ? Number.POSITIVE_INFINITY : Date.parse(releases.plannedUntil);
  note.textContent =
    releases.calendar === null
      ? 'No release calendar is configured, or calendar-sync has not planned it yet.'
      : `From ${releases.calendar}, next ${releases.hours} h.${
          horizonEnd < Date.now() + releases.hours * 3_600_000
            ? ` Planned up to ${formatDateTime(horizonEnd)}: later releases appear once calendar-sync plans them.`
            : ''
        }${
          releases.prewarmDeployed
            ? ''
            : ' The warmgate-prewarm state machine is not deployed: nothing will raise floors.'
        }`;
  if (releases.releases.length === 0) {
    replaceChildren(
      body,
      h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No releases in this window.')),
    );
    return;
  }
  const nowMs = Date.now();
  replaceChildren(
    body,
    ...releases.releases.map((release) => {
      const raised = Date.parse(release.raiseAt) <= nowMs;
      return h(
        'tr',
        {},
        h(
          'th',
          { scope: 'row' },
          release.titles.join(', '),
          h(
            'span',
            { class: 'sub' },
            `${release.endpoint} · ${release.localReleaseTime.slice(0, 16)} ${release.timezone}`,
          ),
        ),
        h(
          'td',
          {},
          h('time', { datetime: release.releaseAt }, formatDateTime(release.releaseAt)),
          h('span', { class: 'sub' }, formatRelative(release.releaseAt, nowMs)),
        ),
        h(
          'td',
          {},
          `raise ${formatRelative(release.raiseAt, nowMs)}`,
          h('span', { class: 'sub' }, `restore ${formatDateTime(release.restoreAt)}`),
        ),
        h(
          'td',
          {},
          h(
            'span',
            { class: `badge readiness-${release.readiness.kind}` },
            release.readiness.kind.replace('-', ' '),
          ),
          h(
            'span',
            { class: 'sub' },
            `${release.baseFloor} → ${release.minCapacity}: ${release.readiness.detail}`,
          ),
        ),
        h(
          'td',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              disabled: !releases.prewarmDeployed || release.readiness.kind === 'no-endpoint',
              'aria-label': `Pre-warm ${release.endpoint} now for ${release.titles.join(', ')}`,
              onclick: () => onPrewarm(release),
            },
            raised ? 'Pre-warm again' : 'Pre-warm now',
          ),
        ),
      );
    }),
  );
}
