// CSV/TSV parsing for previews (RFC 4180 quoting: fields in double quotes may hold the delimiter,
// newlines and doubled quotes). Previews read only the first bytes of a file, so the text may end
// mid-record: `truncated` drops that partial last record instead of showing a half row.

export interface ParsedTable {
  rows: string[][];
  /** True when a partial last record was dropped or rows were cut at maxRows. */
  cut: boolean;
}

export interface ParseOptions {
  delimiter: string;
  /** The text is only a prefix of the file: drop a last record that did not end in a newline. */
  truncated: boolean;
  maxRows: number;
}

interface Scan {
  rows: string[][];
  record: string[];
  field: string;
  inQuotes: boolean;
  /** True once the current record holds anything (so a trailing newline adds no empty row). */
  started: boolean;
}

function endField(s: Scan): void {
  s.record.push(s.field);
  s.field = '';
}

function endRecord(s: Scan): void {
  endField(s);
  s.rows.push(s.record);
  s.record = [];
  s.started = false;
}

// Handles one character inside a quoted field; returns how many characters it consumed.
function scanQuoted(s: Scan, text: string, i: number): number {
  const c = text[i];
  if (c !== '"') {
    s.field += c;
    return 1;
  }
  if (text[i + 1] === '"') {
    s.field += '"';
    return 2;
  }
  s.inQuotes = false;
  return 1;
}

// Handles one character outside quotes; returns how many characters it consumed.
function scanPlain(s: Scan, text: string, i: number, delimiter: string): number {
  const c = text[i];
  s.started = true;
  if (c === '"' && s.field === '') {
    s.inQuotes = true;
  } else if (c === delimiter) {
    endField(s);
  } else if (c === '\r' && text[i + 1] === '\n') {
    endRecord(s);
    return 2;
  } else if (c === '\n' || c === '\r') {
    endRecord(s);
  } else {
    s.field += c;
  }
  return 1;
}

export function parseDelimited(text: string, options: ParseOptions): ParsedTable {
  const s: Scan = { rows: [], record: [], field: '', inQuotes: false, started: false };
  let i = 0;
  // Stops one row past maxRows so a cut is detected without scanning the rest of the text.
  while (i < text.length && s.rows.length <= options.maxRows) {
    i += s.inQuotes ? scanQuoted(s, text, i) : scanPlain(s, text, i, options.delimiter);
  }
  let cut = false;
  const unfinished = s.started || s.inQuotes;
  if (unfinished && i >= text.length) {
    if (options.truncated) cut = true;
    else endRecord(s);
  }
  if (s.rows.length > options.maxRows) {
    s.rows.length = options.maxRows;
    cut = true;
  }
  return { rows: s.rows, cut };
}

/** The delimiter for a file name: tab for .tsv/.tab, comma otherwise. */
export function delimiterFor(path: string): string {
  const lower = path.toLowerCase();
  return lower.endsWith('.tsv') || lower.endsWith('.tab') ? '\t' : ',';
}
