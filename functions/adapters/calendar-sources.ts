import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { CalendarSource } from '../../core/ports/prewarm-schedules.js';
import { type S3Objects, s3Location } from './s3-objects.js';

/** The calendar as an S3 object (the deployed form), with an optional warmup manifest beside it. */
export class S3CalendarSource implements CalendarSource {
  constructor(
    private readonly objects: S3Objects,
    readonly calendarUrl: string,
    private readonly warmupUrl?: string,
  ) {}

  async read() {
    const location = s3Location(this.calendarUrl, 'calendarUrl');
    return { text: await this.objects.getText(location), fileName: basename(location.key) };
  }

  async warmupManifest() {
    return this.warmupUrl ? this.objects.getText(s3Location(this.warmupUrl, 'warmupUrl')) : undefined;
  }
}

/** The calendar as a local file (the local region's form). */
export class FileCalendarSource implements CalendarSource {
  constructor(
    readonly calendarUrl: string,
    private readonly warmupUrl?: string,
  ) {}

  async read() {
    const path = fileURLToPath(this.calendarUrl);
    return { text: await readLocal(path, 'calendar'), fileName: basename(path) };
  }

  async warmupManifest() {
    return this.warmupUrl ? readLocal(fileURLToPath(this.warmupUrl), 'warmupManifest') : undefined;
  }
}

async function readLocal(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as { code?: string }).code === 'ENOENT')
      throw new NotFoundError(`${field}: no file at ${path}`, { cause });
    throw new ValidationError([{ field, message: `cannot read ${path}` }], { cause });
  }
}

/**
 * Picks the calendar source for a URL. `file://` reads from disk and is accepted only in local
 * mode: a deployed Lambda has no calendar on its disk, and must not read arbitrary paths.
 */
export function calendarSource(
  mode: 'aws' | 'local',
  s3: () => S3Objects,
  calendarUrl: string,
  warmupUrl: string | undefined,
): CalendarSource {
  const urls = [calendarUrl, warmupUrl].filter((url): url is string => url !== undefined);
  if (urls.every((url) => url.startsWith('s3://'))) return new S3CalendarSource(s3(), calendarUrl, warmupUrl);
  if (mode === 'local' && urls.every((url) => url.startsWith('file://'))) {
    return new FileCalendarSource(calendarUrl, warmupUrl);
  }
  throw ValidationError.field(
    'calendarUrl',
    `must be s3://BUCKET/KEY${mode === 'local' ? ' or file:///PATH' : ''}`,
  );
}
