import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { parseEnvConfig } from '../../../core/env-config.js';
import {
  ConfigError,
  isRetryable,
  LockBusyError,
  ThrottledError,
  ValidationError,
} from '../../../core/errors.js';

describe('errors', () => {
  it('names every refused field in the message when validation fails', () => {
    const error = new ValidationError([
      { field: 'endpointName', message: 'must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}' },
      { field: 'minCapacity', message: 'must be at least 2' },
    ]);
    expect(error.message).toContain('endpointName');
    expect(error.message).toContain('minCapacity');
    expect(error.name).toBe('ValidationError');
    expect(isRetryable(error)).toBe(false);
  });

  it('marks throttling and lock contention retryable so Step Functions can retry them by name', () => {
    expect(isRetryable(new ThrottledError('slow down'))).toBe(true);
    const busy = new LockBusyError('held', 'exec-1');
    expect(busy.name).toBe('LockBusyError');
    expect(busy.holder).toBe('exec-1');
    expect(isRetryable(busy)).toBe(true);
    expect(isRetryable(new Error('plain'))).toBe(false);
  });
});

describe('parseEnvConfig', () => {
  const schema = z.object({
    TABLE_NAME: z.string().min(1),
    POLL_SECONDS: z.coerce.number().int().positive(),
  });

  it('returns a frozen config when every variable is valid', () => {
    const config = parseEnvConfig(schema, { TABLE_NAME: 'locks', POLL_SECONDS: '5' });
    expect(config).toEqual({ TABLE_NAME: 'locks', POLL_SECONDS: 5 });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the missing variable when one is absent', () => {
    expect(() => parseEnvConfig(schema, { POLL_SECONDS: '5' })).toThrow(ConfigError);
    expect(() => parseEnvConfig(schema, { POLL_SECONDS: '5' })).toThrow(/TABLE_NAME/);
  });
});
