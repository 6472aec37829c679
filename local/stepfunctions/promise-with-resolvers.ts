/**
 * aws-local-stepfunctions 3 calls `Promise.withResolvers` (Node >= 22). On Node 20 every Task
 * would fail with a TypeError that a `States.ALL` Catch silently swallows, so the polyfill must
 * be installed before the library is imported. Import this module first.
 */
type Resolvers<T> = { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void };

const promiseStatic = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
if (typeof promiseStatic.withResolvers !== 'function') {
  promiseStatic.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
