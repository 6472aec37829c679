import { readFileSync } from 'node:fs';
import { ValidationError } from '../../core/errors.js';

/** A parsed ASL document (JSONPath dialect only; the local engine has no JSONata). */
export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly Comment?: string;
  readonly TimeoutSeconds?: number;
}

interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Iterator?: AslDefinition;
  readonly ItemProcessor?: AslDefinition;
  readonly Branches?: AslDefinition[];
  readonly [key: string]: unknown;
}

/** A Task state and the Lambda function it invokes. */
export interface TaskBinding {
  readonly stateName: string;
  readonly functionName: string;
}

/**
 * Reads an ASL file and applies CDK-style `DefinitionSubstitutions` (`${Key}` placeholders), so
 * the local region runs the very file the CDK deploys.
 *
 * @throws ValidationError naming the placeholder when a substitution is missing, or the file
 *   when it is not valid JSON after substitution.
 */
export function loadAslDefinition(
  path: string,
  substitutions: Readonly<Record<string, string>>,
): AslDefinition {
  const raw = readFileSync(path, 'utf8');
  const missing = new Set<string>();
  const substituted = raw.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_match, key: string) => {
    const value = substitutions[key];
    if (value === undefined) missing.add(key);
    return value ?? '';
  });
  if (missing.size > 0) {
    throw new ValidationError(
      [...missing].map((key) => ({
        field: `DefinitionSubstitutions.${key}`,
        message: `no value for \${${key}} in ${path}`,
      })),
    );
  }
  try {
    return JSON.parse(substituted) as AslDefinition;
  } catch (cause) {
    throw new ValidationError([{ field: 'definition', message: `${path} is not valid JSON` }], { cause });
  }
}

/**
 * Lists every Task state (including those nested in Map and Parallel states) with the function
 * it calls. The engine overrides Task states by state name, so state names must be unique across
 * the whole document; a duplicate would silently bind two tasks to one handler.
 *
 * @throws ValidationError when a Task's Resource is not a Lambda function ARN or a name repeats.
 */
export function taskBindings(definition: AslDefinition): TaskBinding[] {
  const bindings: TaskBinding[] = [];
  const seen = new Set<string>();
  const visit = (doc: AslDefinition): void => {
    for (const [stateName, state] of Object.entries(doc.States)) {
      if (seen.has(stateName)) {
        throw ValidationError.field(
          `States.${stateName}`,
          'state names must be unique across nested machines',
        );
      }
      seen.add(stateName);
      if (state.Type === 'Task') {
        const functionName = lambdaFunctionName(state.Resource);
        if (!functionName) {
          throw ValidationError.field(
            `States.${stateName}.Resource`,
            `not a Lambda function ARN: ${state.Resource}`,
          );
        }
        bindings.push({ stateName, functionName });
      }
      for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
        if (nested) visit(nested);
      }
    }
  };
  visit(definition);
  return bindings;
}

function lambdaFunctionName(resource: string | undefined): string | undefined {
  const match =
    /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/.exec(
      resource ?? '',
    );
  return match?.[1];
}
