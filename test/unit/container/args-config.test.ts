import { describe, expect, it } from 'vitest';
import { parseContainerArgs } from '../../../container/args.js';
import { loadContainerConfig } from '../../../container/config.js';
import { ConfigError, ValidationError } from '../../../core/errors.js';

describe('container args', () => {
  it('binds loopback with the gate and full warmup by default', () => {
    expect(parseContainerArgs(['--model-dir', '/m', '--port', '9000'], undefined)).toEqual({
      serve: false,
      modelDir: '/m',
      port: 9000,
      host: '127.0.0.1',
      gate: true,
      warmup: 'full',
    });
  });

  it('prefers --port over SAGEMAKER_BIND_TO_PORT, which beats 8080', () => {
    expect(parseContainerArgs(['--port', '1'], 2).port).toBe(1);
    expect(parseContainerArgs([], 2).port).toBe(2);
    expect(parseContainerArgs([], undefined).port).toBe(8080);
  });

  it('turns --no-gate into the naive baseline without warmup unless one is asked for', () => {
    expect(parseContainerArgs(['--no-gate'], undefined)).toMatchObject({ gate: false, warmup: 'none' });
    expect(parseContainerArgs(['--no-gate', '--warmup', 'full'], undefined)).toMatchObject({
      warmup: 'full',
    });
  });

  it('names the argument it refuses', () => {
    expect(() => parseContainerArgs(['--port', 'http'], undefined)).toThrow(ValidationError);
    expect(() => parseContainerArgs(['--port', 'http'], undefined)).toThrow(/--port/);
    expect(() => parseContainerArgs(['--warmup', 'some'], undefined)).toThrow(/--warmup/);
    expect(() => parseContainerArgs(['train'], undefined)).toThrow(/unexpected argument train/);
    expect(() => parseContainerArgs(['--gpu'], undefined)).toThrow(/argv/);
  });
});

describe('container config', () => {
  it('defaults to CPU-or-CUDA auto, full graph optimisation, one thread each, and a core left for HTTP', () => {
    const config = loadContainerConfig({}, 4);
    expect(config.ort).toEqual({
      providers: 'auto',
      graphOptimization: 'all',
      intraOpThreads: 1,
      interOpThreads: 1,
      executionMode: 'sequential',
    });
    expect(config.workers).toBe(3);
    expect(loadContainerConfig({}, 1).workers).toBe(1);
    expect(config.drainTimeoutMs).toBe(25_000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads onnxruntime options from the environment', () => {
    const config = loadContainerConfig({
      WARMGATE_ORT_PROVIDERS: 'cuda,cpu',
      WARMGATE_ORT_GRAPH_OPTIMIZATION: 'basic',
      WARMGATE_ORT_INTRA_OP_THREADS: '4',
      WARMGATE_INFERENCE_WORKERS: '2',
      SAGEMAKER_BIND_TO_PORT: '8081',
    });
    expect(config.ort.providers).toEqual(['cuda', 'cpu']);
    expect(config.ort.graphOptimization).toBe('basic');
    expect(config.ort.intraOpThreads).toBe(4);
    expect(config.workers).toBe(2);
    expect(config.sagemakerPort).toBe(8081);
  });

  it('fails at start naming every malformed variable', () => {
    const bad = () =>
      loadContainerConfig({
        WARMGATE_ORT_GRAPH_OPTIMIZATION: 'max',
        WARMGATE_MAX_BODY_BYTES: '1MB',
        SAGEMAKER_BIND_TO_PORT: '99999',
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/WARMGATE_ORT_GRAPH_OPTIMIZATION/);
    expect(bad).toThrow(/WARMGATE_MAX_BODY_BYTES/);
    expect(bad).toThrow(/SAGEMAKER_BIND_TO_PORT/);
  });
});
