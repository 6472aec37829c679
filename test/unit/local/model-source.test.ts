import { describe, expect, it } from 'vitest';
import { imageRepository, resolveModelSource } from '../../../local/sagemaker/model-source.js';

describe('imageRepository', () => {
  it('strips registry host, tag and digest', () => {
    expect(imageRepository('1234.dkr.ecr.us-east-1.amazonaws.com/team/warmgate-container:v3')).toBe(
      'team/warmgate-container',
    );
    expect(imageRepository('localhost:5000/warmgate-container@sha256:abc')).toBe('warmgate-container');
    expect(imageRepository('warmgate-container')).toBe('warmgate-container');
  });
});

describe('resolveModelSource', () => {
  it('turns the gate off only when Environment says WARMGATE_GATE=off', async () => {
    const base = { image: 'x/warmgate-container:1', modelDataUrl: 'file:///tmp', cwd: '/' };
    expect((await resolveModelSource({ ...base, environment: undefined })).gate).toBe(true);
    expect((await resolveModelSource({ ...base, environment: { WARMGATE_GATE: 'off' } })).gate).toBe(false);
  });

  it('resolves a relative file:// URL against the working directory', async () => {
    const source = await resolveModelSource({
      image: 'warmgate-container',
      modelDataUrl: 'file://tmp',
      environment: undefined,
      cwd: '/',
    });
    expect(source.modelData).toEqual({ kind: 'directory', url: 'file://tmp', path: '/tmp' });
  });

  it('refuses an image of another repository and a URL that is not file://', async () => {
    await expect(
      resolveModelSource({
        image: 'pytorch-inference:2',
        modelDataUrl: 'file:///tmp',
        environment: undefined,
        cwd: '/',
      }),
    ).rejects.toThrow(/warmgate-container/);
    await expect(
      resolveModelSource({
        image: 'warmgate-container',
        modelDataUrl: 's3://b/m.tar.gz',
        environment: undefined,
        cwd: '/',
      }),
    ).rejects.toThrow(/file:\/\//);
  });
});
