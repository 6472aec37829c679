import type { RestResponse, RestService } from '../service.js';
import { errorMapper } from '../wire-error.js';
import { type FunctionRegistry, LambdaInvocationError } from './function-registry.js';

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`), so that
 * `aws lambda invoke` and the SDK can run the local control plane's functions (read-calendar,
 * say) as they would on AWS. A function error is a 200 with `X-Amz-Function-Error: Unhandled`
 * and the `{errorType, errorMessage}` payload, exactly Lambda's contract.
 */
export function createLambdaService(functions: FunctionRegistry): RestService {
  return {
    kind: 'rest',
    name: 'Lambda',
    errors: errorMapper({
      validation: { type: 'InvalidRequestContentException', status: 400 },
      notFound: { type: 'ResourceNotFoundException', status: 404 },
      conflict: { type: 'ResourceConflictException', status: 409 },
    }),
    routes: [
      {
        method: 'POST',
        path: '/2015-03-31/functions/{FunctionName}/invocations',
        operation: 'Invoke',
        async handle(request): Promise<RestResponse> {
          const name = (request.params.FunctionName ?? '').replace(
            /^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:/,
            '',
          );
          if (!functions.has(name)) {
            return {
              status: 404,
              headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
              body: { Type: 'User', message: `Function not found: ${functions.arn(name)}` },
            };
          }
          let event: unknown = {};
          const text = request.body.toString('utf8');
          if (text) {
            try {
              event = JSON.parse(text);
            } catch {
              return {
                status: 400,
                headers: { 'x-amzn-errortype': 'InvalidRequestContentException' },
                body: { Type: 'User', message: 'Could not parse request body into json' },
              };
            }
          }
          try {
            const result = await functions.invoke(name, event);
            return { status: 200, headers: { 'x-amz-executed-version': '$LATEST' }, body: result };
          } catch (error) {
            if (!(error instanceof LambdaInvocationError)) throw error;
            return {
              status: 200,
              headers: { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' },
              body: JSON.parse(error.message),
            };
          }
        },
      },
    ],
  };
}
