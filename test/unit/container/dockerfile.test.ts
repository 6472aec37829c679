import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseContainerArgs } from '../../../container/args.js';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Dockerfile instructions, continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    pending += `${line.endsWith('\\') ? line.slice(0, -1) : line} `;
    if (line.endsWith('\\')) continue;
    const match = /^(\w+)\s+(.*)$/s.exec(pending.trim());
    if (match) out.push({ keyword: (match[1] as string).toUpperCase(), args: (match[2] as string).trim() });
    pending = '';
  }
  return out;
}

const dockerfile = readFileSync(join(import.meta.dirname, '../../../container/Dockerfile'), 'utf8');
const all = instructions(dockerfile);
const lastFrom = all.map((i) => i.keyword).lastIndexOf('FROM');
const final = all.slice(lastFrom);
const one = (keyword: string) => final.filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  it('builds the final image on node:22-slim', () => {
    expect(all[lastFrom]?.args).toMatch(/^node:22-slim(\s|$)/);
  });

  it('starts node in exec form so SIGTERM reaches the server and SageMaker can append serve', () => {
    const entrypoint = one('ENTRYPOINT');
    expect(entrypoint).toHaveLength(1);
    const argv = JSON.parse(entrypoint[0]?.args ?? '') as string[];
    expect(Array.isArray(argv)).toBe(true);
    expect(argv[0]).toBe('node');
    expect(argv[1]).toMatch(/\/main\.mjs$/);
    const cmd = JSON.parse(one('CMD')[0]?.args ?? '[]') as string[];
    expect(cmd).toEqual(['serve']);
  });

  it('accepts serve as the SageMaker form, binding every interface on 8080 with /opt/ml/model', () => {
    const args = parseContainerArgs(['serve'], undefined);
    expect(args).toMatchObject({
      serve: true,
      port: 8080,
      host: '0.0.0.0',
      modelDir: '/opt/ml/model',
      gate: true,
    });
    expect(parseContainerArgs(['serve'], 9090).port).toBe(9090);
  });

  it('listens on 8080', () => {
    expect(one('EXPOSE').map((i) => i.args)).toContain('8080');
    expect(
      one('ENV')
        .map((i) => i.args)
        .join(' '),
    ).toMatch(/SAGEMAKER_BIND_TO_PORT=8080/);
  });

  it('runs as a non-root user', () => {
    const user = one('USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('keeps only the linux-x64 onnxruntime binary', () => {
    const run = all
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' ');
    for (const gone of ['napi-v6/darwin', 'napi-v6/win32', 'napi-v6/linux/arm64'])
      expect(run).toContain(gone);
    expect(run).toContain('linux/x64/onnxruntime_binding.node');
    expect(run).not.toMatch(/rm -rf \S*linux\/x64/);
  });

  it('bundles the same entry the ENTRYPOINT runs', () => {
    const run = all
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' ');
    const out = /container\/bundle\.ts\s+(\S+)/.exec(run)?.[1];
    const entry = JSON.parse(one('ENTRYPOINT')[0]?.args ?? '[]')[1] as string;
    expect(entry).toBe(`${out}/main.mjs`);
  });
});
