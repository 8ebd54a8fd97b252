import { MstfError } from '../../core/index.js';

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines; CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // BOM
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim().length > 0));
}

/** Header names compared loosely: case, spaces and underscores do not matter ("breast density" = "breast_density"). */
export function normaliseHeader(h: string): string {
  return h
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '_');
}

/** Rows as objects keyed by normalised header; `required` columns must exist. */
export function csvRecords(text: string, file: string, required: string[]): Record<string, string>[] {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new MstfError('DATA_CORRUPT', `${file}: empty CSV file`);
  const header = rows[0]!.map(normaliseHeader);
  const missing = required.map(normaliseHeader).filter((r) => !header.includes(r));
  if (missing.length > 0) throw new MstfError('DATA_CORRUPT', `${file}: missing column(s) ${missing.join(', ')}`);
  return rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, (r[i] ?? '').trim()])));
}
