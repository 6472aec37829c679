import { ApiError, type FieldIssue } from './api.js';
import { byId, h, replaceChildren } from './dom.js';

/** An input the person fills in before confirming (a pre-warm's floor and hold). */
export interface DialogField {
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly hint?: string;
  readonly numeric?: boolean;
}

export interface ConfirmOptions {
  readonly title: string;
  /** What will happen, in a sentence or a short list. */
  readonly description: ReadonlyArray<Node | string>;
  /** The confirm button's text: the action itself ("Start rollout"), never just "OK". */
  readonly confirmLabel: string;
  readonly danger?: boolean;
  readonly fields?: readonly DialogField[];
  /**
   * Runs the action. A refused request (an ApiError with field issues) keeps the dialog open
   * with each issue next to its field; any other failure is shown in the dialog too.
   */
  readonly onConfirm: (values: Record<string, string>) => Promise<void>;
}

/**
 * Asks before an action, in the page's one modal `<dialog>`: focus moves into it, Escape or
 * Cancel backs out, and focus returns to where it was. Resolves true once the action ran.
 */
export function confirmAction(options: ConfirmOptions): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm-dialog');
  const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const inputs = new Map<string, { input: HTMLInputElement; error: HTMLElement }>();
  const generalError = h('p', { class: 'dialog-error', role: 'alert' });

  const fields = (options.fields ?? []).map((field) => {
    const id = `dialog-${field.name}`;
    const error = h('p', { class: 'field-error', id: `${id}-error` });
    const hint = field.hint ? h('p', { class: 'hint', id: `${id}-hint` }, field.hint) : null;
    const input = h('input', {
      id,
      name: field.name,
      value: field.value,
      type: 'text',
      inputmode: field.numeric ? 'numeric' : undefined,
      'aria-describedby': [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '),
    });
    inputs.set(field.name, { input, error });
    return h('div', { class: 'field' }, h('label', { for: id }, field.label), input, hint, error);
  });

  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const confirm = h(
    'button',
    { type: 'submit', class: options.danger ? 'danger' : 'primary' },
    options.confirmLabel,
  );
  const form = h(
    'form',
    { method: 'dialog', novalidate: true },
    h('h2', { id: 'confirm-title' }, options.title),
    h('div', { id: 'confirm-description', class: 'dialog-description' }, ...options.description),
    ...fields,
    generalError,
    h('div', { class: 'dialog-actions' }, cancel, confirm),
  );
  replaceChildren(dialog, form);
  dialog.setAttribute('aria-labelledby', 'confirm-title');
  dialog.setAttribute('aria-describedby', 'confirm-description');

  return new Promise((resolve) => {
    let done = false;
    const finish = (result: boolean) => {
      if (done) return;
      done = true;
      if (dialog.open) dialog.close();
      returnFocus?.focus();
      resolve(result);
    };
    dialog.addEventListener('close', () => finish(false), { once: true });
    cancel.addEventListener('click', () => finish(false));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      for (const { input, error } of inputs.values()) {
        error.textContent = '';
        input.removeAttribute('aria-invalid');
      }
      generalError.textContent = '';
      const values = Object.fromEntries([...inputs].map(([name, { input }]) => [name, input.value.trim()]));
      confirm.disabled = true;
      cancel.disabled = true;
      confirm.setAttribute('aria-busy', 'true');
      try {
        await options.onConfirm(values);
        finish(true);
      } catch (error) {
        showIssues(error, inputs, generalError);
      } finally {
        confirm.disabled = false;
        cancel.disabled = false;
        confirm.removeAttribute('aria-busy');
      }
    });
    dialog.showModal();
    // A destructive action starts with focus on Cancel, so Enter alone does not confirm it.
    (options.danger ? cancel : (inputs.values().next().value?.input ?? confirm)).focus();
  });
}

function showIssues(
  error: unknown,
  inputs: ReadonlyMap<string, { input: HTMLInputElement; error: HTMLElement }>,
  general: HTMLElement,
): void {
  const issues: readonly FieldIssue[] = error instanceof ApiError ? error.issues : [];
  const unplaced: string[] = [];
  let first: HTMLInputElement | undefined;
  for (const issue of issues) {
    const target = inputs.get(issue.field.split('.').at(-1) ?? '');
    if (!target) {
      unplaced.push(`${issue.field}: ${issue.message}`);
      continue;
    }
    target.error.textContent = issue.message;
    target.input.setAttribute('aria-invalid', 'true');
    first ??= target.input;
  }
  if (issues.length === 0) unplaced.push(error instanceof Error ? error.message : String(error));
  general.textContent = unplaced.join('; ');
  first?.focus();
}
