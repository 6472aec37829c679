import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the real `warmgate` binary, as a user would, and returns its exit code and output. */
function warmgate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/warmgate.js', ...args], { cwd: root }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? 1) : 0;
      resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

const JUNE = ['--now', '2025-06-02T00:00:00Z', '--until', '2025-06-16T00:00:00Z'];

describe('warmgate calendar plan', () => {
  it('prints the JSON plan of the YAML example with UTC ISO 8601 times, as one line', async () => {
    const { code, stdout } = await warmgate('calendar', 'plan', 'examples/calendar.yaml', ...JUNE, '--json');
    expect(code).toBe(0);
    // --json output is one JSON object per line, so a script can read it line by line.
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      actions: [
        {
          endpoint: 'manga-recs',
          releases: ['one-piece-20250608T0000', 'jump-festa-one-shot'],
          releaseAt: '2025-06-07T15:00:00Z',
          raiseAt: '2025-06-07T14:38:00Z',
          restoreAt: '2025-06-07T17:00:00Z',
          minCapacity: 8,
        },
        {
          endpoint: 'manga-recs',
          releases: ['sakamoto-days-us-special'],
          releaseAt: '2025-06-10T14:00:00Z',
          raiseAt: '2025-06-10T13:38:00Z',
          restoreAt: '2025-06-10T15:30:00Z',
          minCapacity: 4,
        },
        {
          endpoint: 'manga-recs',
          releases: ['one-piece-20250615T0000'],
          releaseAt: '2025-06-14T15:00:00Z',
          raiseAt: '2025-06-14T14:38:00Z',
          restoreAt: '2025-06-14T17:00:00Z',
          minCapacity: 8,
        },
      ],
    });
  });

  it('prints a table with UTC and local times for people', async () => {
    const { code, stdout } = await warmgate('calendar', 'plan', 'examples/calendar.yaml', ...JUNE);
    expect(code).toBe(0);
    const row = stdout.split('\n').find((line) => line.includes('one-piece-20250608T0000'));
    expect(row).toMatch(
      /manga-recs\s+2→8\s+2025-06-07 14:38\s+2025-06-07 23:38\s+2025-06-07 15:00\s+2025-06-08 00:00/,
    );
    expect(row).toContain('Asia/Tokyo (+09:00)');
    expect(stdout).toMatch(/America\/New_York \(-04:00\)/);
  });

  it('plans the JSON and ICS examples, the ICS one across the US daylight-saving change', async () => {
    const json = await warmgate('calendar', 'plan', 'examples/calendar.json', ...JUNE, '--json');
    expect(json.code).toBe(0);
    expect(
      JSON.parse(json.stdout).actions.map((action: { releases: string[] }) => action.releases[0]),
    ).toEqual(['one-piece-20250608T0000', 'chainsaw-man-us-simulpub', 'one-piece-20250615T0000']);
    const ics = await warmgate(
      'calendar',
      'plan',
      'examples/calendar.ics',
      '--now',
      '2025-10-27T00:00:00Z',
      '--until',
      '2025-11-06T00:00:00Z',
      '--json',
    );
    expect(ics.code).toBe(0);
    const raises = JSON.parse(ics.stdout).actions.map((action: { releases: string[]; raiseAt: string }) => [
      action.releases[0],
      action.raiseAt,
    ]);
    expect(raises).toEqual([
      ['chainsaw-man-us-20251029T1100', '2025-10-29T14:38:00Z'],
      ['one-piece-weekly-20251102T0000', '2025-11-01T14:38:00Z'],
      ['chainsaw-man-us-20251105T1100', '2025-11-05T15:38:00Z'],
    ]);
  });

  it('exits 2 and lists every problem with its line when the calendar is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warmgate-calendar-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      [
        'endpoints:',
        '  manga-recs: { floor: 1, max: 8, perInstanceCapacity: 80 }',
        'releases:',
        '  - id: op',
        '    series: One Piece',
        '    localTime: 2025-06-01T00:00',
        '    timezone: Asia/Tokio',
        '    endpoints: [manga-recs]',
        '    peak: 400',
        '    holdMinutes: 120',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await warmgate('calendar', 'plan', file, '--now', 'yesterday');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--now: must be an ISO 8601 instant');
    expect(stderr).toContain('endpoints.manga-recs.floor: must be at least 2');
    expect(stderr).toMatch(/releases\.0\.timezone: unknown IANA timezone "Asia\/Tokio".*\(line 7\)/);
  });

  it('exits 2 naming the file when it has an unknown extension', async () => {
    const { code, stderr } = await warmgate('calendar', 'plan', 'examples/calendar.txt');
    expect(code).toBe(2);
    expect(stderr).toMatch(/file: .*calendar\.txt: expected a \.yaml, \.yml, \.json or \.ics calendar/);
  });
});
