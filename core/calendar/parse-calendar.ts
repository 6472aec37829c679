import { ValidationError } from '../errors.js';
import type { Calendar } from './calendar.js';
import { parseCalendarDocument } from './calendar-document.js';
import { type IcsImportOptions, importIcs } from './ics-import.js';

export type CalendarFormat = 'yaml' | 'json' | 'ics';

const FORMAT_BY_EXTENSION: Readonly<Record<string, CalendarFormat>> = {
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  ics: 'ics',
};

/**
 * The calendar format a file name says it holds, by extension.
 *
 * @throws ValidationError naming `file` when the extension is not .yaml, .yml, .json or .ics.
 */
export function calendarFormatOf(fileName: string): CalendarFormat {
  const extension = /\.([A-Za-z]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const format = FORMAT_BY_EXTENSION[extension];
  if (!format)
    throw ValidationError.field('file', `${fileName}: expected a .yaml, .yml, .json or .ics calendar`);
  return format;
}

/**
 * Parses calendar text of the given format. Pure: the caller reads the file. `ics` options fill
 * in what an iCalendar file cannot say (endpoints, their settings, peak, hold); YAML and JSON
 * calendars carry all of that themselves.
 *
 * @throws ValidationError listing every problem with its line or field; nothing is planned from a
 *   calendar that has any problem.
 */
export function parseCalendar(text: string, format: CalendarFormat, ics: IcsImportOptions = {}): Calendar {
  return format === 'ics' ? importIcs(text, ics) : parseCalendarDocument(text, format);
}
