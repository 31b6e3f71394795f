/**
 * CSV as RFC 4180 has it: fields separated by commas, a field with a comma, quote, CR or LF
 * in double quotes with its quotes doubled, records ended by CRLF (LF alone read too).
 */

const NEEDS_QUOTES = /[",\r\n]/;
// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): an
// image name or alt text from an uploader must stay text, so it gets a leading apostrophe,
// which spreadsheets hide and `parseCsv` takes off again.
const FORMULA_START = /^[=+\-@\t\r]/;
const GUARDED = /^'[=+\-@\t\r]/;

export const csvField = (value: string | number) => {
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export const csvRecord = (fields: readonly (string | number)[]) => `${fields.map(csvField).join(',')}\r\n`;

/** The records of a CSV text; a final newline ends the last record, it does not start an empty one. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a spreadsheet's byte-order mark
  const endField = () => {
    record.push(GUARDED.test(field) ? field.slice(1) : field);
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      endRecord();
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (quoted) throw new Error('The CSV ends inside a quoted field (a closing " is missing)');
  if (field !== '' || record.length > 0) endRecord();
  return records;
}
