import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { fromAwsError } from '../../../functions/adapters/aws-errors.js';

/** An SDK service exception as the AWS SDK v3 throws it. */
function sdkError(name: string, message: string, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

describe('fromAwsError', () => {
  it('names the action once in a refused request when SageMaker answers ValidationException', () => {
    const error = fromAwsError(
      sdkError('ValidationException', 'PrimaryContainer.ModelDataUrl: Could not access model data'),
      'CreateModel',
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('CreateModel: PrimaryContainer.ModelDataUrl: Could not access model data');
    expect((error as ValidationError).issues).toEqual([
      { field: 'CreateModel', message: 'PrimaryContainer.ModelDataUrl: Could not access model data' },
    ]);
  });

  it('prefixes the action to other errors once when they are not refusals', () => {
    expect(fromAwsError(sdkError('InternalFailure', 'boom', 500), 'UpdateEndpoint')).toMatchObject({
      name: 'TransientError',
      message: 'UpdateEndpoint: boom',
    });
  });
});
