import type {
  ExecutionSummary,
  RolloutCheckResponse,
  StartedResponse,
} from '../../functions/dashboard-api/api-contract.js';
import { type Api, ApiError, type FieldIssue } from './api.js';
import { confirmAction } from './confirm-dialog.js';
import { byId, h, replaceChildren } from './dom.js';

interface FormField {
  readonly name: string;
  readonly label: string;
  readonly hint: string;
  readonly numeric?: boolean;
  readonly placeholder?: string;
  readonly options?: readonly string[];
}

// The rollout request's fields, named as core's schema names them, so each issue the API
// returns (`request.minCapacity`) lands next to its input.
const FIELDS: readonly FormField[] = [
  {
    name: 'endpoint',
    label: 'Endpoint',
    hint: 'SageMaker endpoint name, e.g. manga-recs',
    placeholder: 'manga-recs',
  },
  {
    name: 'image',
    label: 'Container image',
    hint: 'ECR image URI; the local region also runs …warmgate-container[:tag]',
  },
  { name: 'modelDataUrl', label: 'Model data', hint: 's3://BUCKET/KEY, or file:///PATH in the local region' },
  { name: 'instanceType', label: 'Instance type', hint: 'default ml.m5.large', placeholder: 'ml.m5.large' },
  {
    name: 'instanceCount',
    label: 'Instances',
    hint: 'at least 2 (default 2)',
    numeric: true,
    placeholder: '2',
  },
  {
    name: 'minCapacity',
    label: 'Floor',
    hint: 'autoscaling minimum, at least 2 (default 2)',
    numeric: true,
    placeholder: '2',
  },
  { name: 'maxCapacity', label: 'Max', hint: 'default 2 × the larger of instances and floor', numeric: true },
  {
    name: 'strategy',
    label: 'Strategy',
    hint: 'how traffic moves to the new fleet',
    options: ['all-at-once', 'canary', 'linear'],
  },
  {
    name: 'startupTimeoutSeconds',
    label: 'Startup timeout (s)',
    hint: 'how long /ping may stay 503: 60–3600 (default 600)',
    numeric: true,
    placeholder: '600',
  },
];

/** A numeric field as the schema should see it: a number, or the raw text so zod names the field. */
function fieldValue(field: FormField, raw: string): unknown {
  if (!field.numeric) return raw;
  const parsed = Number(raw);
  return Number.isFinite(parsed) ? parsed : raw;
}

/**
 * The "Start a rollout" form. It validates nothing itself: the API judges the request with
 * core's rollout schema (the CLI's own check) and each issue is shown next to its field. A
 * valid request is confirmed in a dialog that shows it with every default filled in.
 */
export class RolloutForm {
  readonly #form = byId<HTMLFormElement>('rollout-form');
  readonly #summary = byId('rollout-errors');
  readonly #controls = new Map<string, { input: HTMLInputElement | HTMLSelectElement; error: HTMLElement }>();

  constructor(
    private readonly api: Api,
    private readonly onStarted: (execution: ExecutionSummary) => void,
  ) {
    const container = byId('rollout-fields');
    for (const field of FIELDS) {
      const id = `rollout-${field.name}`;
      const error = h('p', { class: 'field-error', id: `${id}-error` });
      const describedBy = `${id}-hint ${id}-error`;
      const input = field.options
        ? h(
            'select',
            { id, name: field.name, 'aria-describedby': describedBy },
            ...field.options.map((o) => h('option', { value: o }, o)),
          )
        : h('input', {
            id,
            name: field.name,
            type: 'text',
            autocomplete: 'off',
            spellcheck: 'false',
            inputmode: field.numeric ? 'numeric' : undefined,
            placeholder: field.placeholder,
            'aria-describedby': describedBy,
          });
      this.#controls.set(field.name, { input, error });
      container.append(
        h(
          'div',
          { class: `field field-${field.name}` },
          h('label', { for: id }, field.label),
          input,
          h('p', { class: 'hint', id: `${id}-hint` }, field.hint),
          error,
        ),
      );
    }
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#review();
    });
  }

  /** Fills fields (e.g. from an endpoint row) and moves focus to the form. */
  prefill(values: Record<string, string>): void {
    for (const [name, value] of Object.entries(values)) {
      const control = this.#controls.get(name);
      if (control) control.input.value = value;
    }
    this.#controls.get('modelDataUrl')?.input.focus();
  }

  #request(): Record<string, unknown> {
    const request: Record<string, unknown> = {};
    for (const field of FIELDS) {
      const raw = this.#controls.get(field.name)?.input.value.trim() ?? '';
      // An empty field is left out so the schema's default applies, as an omitted CLI flag does.
      if (raw !== '') request[field.name] = fieldValue(field, raw);
    }
    return request;
  }

  #clearIssues(): void {
    for (const { input, error } of this.#controls.values()) {
      error.textContent = '';
      input.removeAttribute('aria-invalid');
    }
    replaceChildren(this.#summary);
    this.#summary.hidden = true;
  }

  /** Shows each issue next to its field and a linked summary above the button. */
  #showIssues(issues: readonly FieldIssue[]): void {
    this.#clearIssues();
    const items = issues.map((issue) => {
      const name = issue.field.replace(/^request\./, '').split('.')[0] ?? '';
      const control = this.#controls.get(name);
      if (control) {
        control.error.textContent = issue.message;
        control.input.setAttribute('aria-invalid', 'true');
      }
      const label = FIELDS.find((f) => f.name === name)?.label ?? issue.field;
      return h(
        'li',
        {},
        control
          ? h('a', { href: `#rollout-${name}` }, `${label}: ${issue.message}`)
          : `${issue.field}: ${issue.message}`,
      );
    });
    replaceChildren(
      this.#summary,
      h(
        'p',
        {},
        issues.length === 1
          ? 'The rollout was not started: 1 problem.'
          : `The rollout was not started: ${issues.length} problems.`,
      ),
      h('ul', {}, ...items),
    );
    this.#summary.hidden = false;
    const first = issues
      .map((issue) => this.#controls.get(issue.field.replace(/^request\./, '').split('.')[0] ?? ''))
      .find(Boolean);
    (first?.input ?? this.#summary).focus();
  }

  async #review(): Promise<void> {
    this.#clearIssues();
    const body = { request: this.#request() };
    const submit = this.#form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (submit) submit.disabled = true;
    let check: RolloutCheckResponse;
    try {
      check = await this.api.post<RolloutCheckResponse>('/api/rollouts/check', body);
    } catch (error) {
      this.#showIssues([{ field: 'request', message: (error as Error).message }]);
      return;
    } finally {
      if (submit) submit.disabled = false;
    }
    if (!check.valid) {
      this.#showIssues(check.issues);
      return;
    }
    const r = check.request as Record<string, unknown> & { strategy?: { type?: string } };
    const row = (term: string, value: unknown) => [h('dt', {}, term), h('dd', {}, String(value ?? '—'))];
    await confirmAction({
      title: `Roll out ${String(r.endpoint)}?`,
      description: [
        h(
          'dl',
          { class: 'summary' },
          ...row('Image', r.image),
          ...row('Model data', r.modelDataUrl),
          ...row('Instances', `${String(r.instanceCount)} × ${String(r.instanceType)}`),
          ...row('Floor – max', `${String(r.minCapacity)} – ${String(r.maxCapacity)}`),
          ...row('Strategy', r.strategy?.type),
          ...row('Smoke test', check.smokeShapes === 0 ? 'no shapes' : `${check.smokeShapes} warmup shapes`),
        ),
      ],
      confirmLabel: 'Start rollout',
      onConfirm: async () => {
        try {
          const started = await this.api.post<StartedResponse>('/api/rollouts', body);
          this.onStarted(started.execution);
        } catch (error) {
          if (error instanceof ApiError && error.issues.length > 0) this.#showIssues(error.issues);
          else throw error;
        }
      },
    });
  }
}
