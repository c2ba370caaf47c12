import {
  applyDecorators,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiProduces } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';

type Flat = Record<string, string | number | boolean | null>;

/** How a report becomes a table: its rows, and the file name a download gets. */
interface CsvTableSpec {
  // The report's own type is checked where the decorator is used (see CsvTable).
  rows: (report: never) => object[];
  fileName: string;
}

const CSV_TABLE = Symbol('csvTable');

/**
 * One row as CSV columns: nested objects become dotted columns (`trend.ratio`), lists of
 * plain values are joined with `;`, lists of objects (a group's cases per day) stay JSON.
 */
export const flattenRow = (row: object, prefix = '', into: Flat = {}): Flat => {
  for (const [key, value] of Object.entries(row)) {
    const column = prefix + key;
    if (value === undefined) continue;
    if (value === null || typeof value !== 'object') into[column] = value as Flat[string];
    else if (Array.isArray(value))
      into[column] = value.every((v) => v === null || typeof v !== 'object')
        ? value.join(';')
        : JSON.stringify(value);
    else flattenRow(value as object, `${column}.`, into);
  }
  return into;
};

/**
 * Text a spreadsheet would run as a formula (`=HYPERLINK(…)` in a customer's words) gets a
 * leading `'`, which spreadsheets show as text (OWASP's advice for CSV injection).
 * csv-stringify's escape_formulas covers a formula character first (ASCII and full-width);
 * this adds the ones hidden behind leading white space, line breaks, NBSP or invisible
 * characters, which some spreadsheets skip before reading a formula.
 */
const HIDDEN_FORMULA =
  /^[\s\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]+[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;
const defuse = (text: string) => (HIDDEN_FORMULA.test(text) ? `'${text}` : text);

/**
 * The rows as CSV text with a header row: every column any row has, in first-seen order.
 * No rows: an empty file (the columns come from the rows).
 */
export const toCsv = (rows: object[]): string => {
  if (rows.length === 0) return '';
  const flat = rows.map((row) => flattenRow(row));
  const columns = [...new Set(flat.flatMap((row) => Object.keys(row)))];
  return stringify(flat, {
    header: true,
    columns,
    escape_formulas: true,
    cast: { boolean: (b) => String(b), string: defuse },
  });
};

/** The client asked for CSV: `Accept: text/csv` (a browser's download, a spreadsheet, curl). */
export const wantsCsv = (accept: string | undefined) =>
  !!accept && accept.split(',').some((part) => part.trim().toLowerCase().startsWith('text/csv'));

@Injectable()
class CsvAnswer implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<CsvTableSpec | undefined>(CSV_TABLE, context.getHandler());
    if (!spec) return next.handle();
    const http = context.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    // Caches must keep the JSON and the CSV answer of one URL apart.
    void reply.header('vary', 'Accept');
    if (!wantsCsv(http.getRequest<FastifyRequest>().headers.accept)) return next.handle();
    return next.handle().pipe(
      map((report: unknown) => {
        void reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${spec.fileName}.csv"`);
        return toCsv(spec.rows(report as never));
      }),
    );
  }
}

/**
 * The route also answers `Accept: text/csv`: the same report, as the table `rows` picks
 * out of it (a report route's main list), one CSV row per JSON row.
 */
export const CsvTable = <Report>(rows: (report: Report) => object[], fileName: string) =>
  applyDecorators(
    SetMetadata(CSV_TABLE, { rows, fileName } satisfies CsvTableSpec),
    UseInterceptors(CsvAnswer),
    ApiProduces('application/json', 'text/csv'),
  );
