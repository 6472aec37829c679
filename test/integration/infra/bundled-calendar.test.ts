import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as source from '../../../core/calendar/parse-calendar.js';
import { lambdaBuildOptions, REPO_ROOT } from '../../../infra/lambda-bundling.js';

const EXAMPLES = join(REPO_ROOT, 'examples');

/** Every calendar the parsers are asked about: the examples, and mistakes with their lines. */
const CALENDARS: Array<[string, string, 'yaml' | 'json' | 'ics']> = [
  ['the YAML example', readFileSync(join(EXAMPLES, 'calendar.yaml'), 'utf8'), 'yaml'],
  ['the JSON example', readFileSync(join(EXAMPLES, 'calendar.json'), 'utf8'), 'json'],
  ['the ICS example', readFileSync(join(EXAMPLES, 'calendar.ics'), 'utf8'), 'ics'],
  [
    'YAML with a duplicate key and a broken flow',
    'endpoints:\n  a: { max: 2 }\n  a: 1\nreleases: [ {id: 1}\n',
    'yaml',
  ],
  [
    'YAML with unknown fields and a date that does not exist',
    'version: 1\ntimzone: x\nreleases:\n  - id: x\n    localTime: 2025-02-30T00:00\n    timezone: Asia/Tokio\n',
    'yaml',
  ],
  ['JSON with a syntax error', '{"version": 1,\n "releases": [}\n', 'json'],
];

/**
 * The Lambdas bundle yaml from its ES module build (an alias in infra/lambda-bundling.ts), while
 * the CLI and the tests run its Node build: the bundled parsers must read every calendar, and
 * name every mistake and its line, exactly as the source does.
 */
describe('calendar parsers as the Lambdas bundle them', () => {
  let dir: string;
  let bundled: typeof source;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warmgate-bundled-calendar-'));
    await build({
      ...lambdaBuildOptions(),
      entryPoints: [join(REPO_ROOT, 'core', 'calendar', 'parse-calendar.ts')],
      outfile: join(dir, 'parse-calendar.mjs'),
    });
    bundled = (await import(join(dir, 'parse-calendar.mjs'))) as typeof source;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const outcome = (parser: typeof source, text: string, format: 'yaml' | 'json' | 'ics') => {
    try {
      return {
        calendar: parser.parseCalendar(text, format, format === 'ics' ? { defaultEndpoints: [] } : {}),
      };
    } catch (error) {
      return { error: (error as Error).name, issues: (error as { issues?: unknown }).issues };
    }
  };

  it.each(CALENDARS)('gives the same result as the source for %s', (_name, text, format) => {
    const expected = outcome(source, text, format);
    expect(outcome(bundled, text, format)).toEqual(expected);
  });

  it('bundles the ES module build of yaml, not its CommonJS build', () => {
    const code = readFileSync(join(dir, 'parse-calendar.mjs'), 'utf8');
    expect(code).not.toContain('Dynamic require of');
    expect(code).not.toMatch(/__commonJS/);
  });
});
