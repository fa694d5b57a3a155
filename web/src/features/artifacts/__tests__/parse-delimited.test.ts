import { describe, expect, it } from 'vitest';
import { delimiterFor, parseDelimited } from '@/features/artifacts/utils/parse-delimited';

const whole = { delimiter: ',', truncated: false, maxRows: 100 };

describe('parseDelimited', () => {
  it('splits plain records and ignores a final newline', () => {
    expect(parseDelimited('a,b\n1,2\n', whole)).toEqual({ rows: [['a', 'b'], ['1', '2']], cut: false });
  });

  it('keeps a last line without newline when the file was read whole', () => {
    expect(parseDelimited('a,b\n1,2', whole).rows).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('reads quoted fields with delimiters, doubled quotes and newlines', () => {
    const text = 'name,note\n"Smith, J","said ""hi"""\n"multi\nline",x\n';
    expect(parseDelimited(text, whole).rows).toEqual([
      ['name', 'note'],
      ['Smith, J', 'said "hi"'],
      ['multi\nline', 'x'],
    ]);
  });

  it('handles CRLF line ends and empty fields', () => {
    expect(parseDelimited('a,,c\r\n,2,\r\n', whole).rows).toEqual([['a', '', 'c'], ['', '2', '']]);
  });

  it('keeps a quote that is not at the start of a field as text', () => {
    expect(parseDelimited('5" disk,x\n', whole).rows).toEqual([['5" disk', 'x']]);
  });

  it('drops a partial last line of a truncated prefix', () => {
    const result = parseDelimited('a,b\n1,2\n3,4', { ...whole, truncated: true });
    expect(result.rows).toEqual([['a', 'b'], ['1', '2']]);
    expect(result.cut).toBe(true);
  });

  it('drops a record cut inside a quoted field that spans lines', () => {
    const result = parseDelimited('a,b\n1,"open\nstill open', { ...whole, truncated: true });
    expect(result.rows).toEqual([['a', 'b']]);
    expect(result.cut).toBe(true);
  });

  it('keeps every row when a truncated prefix ends exactly at a newline', () => {
    expect(parseDelimited('a,b\n1,2\n', { ...whole, truncated: true })).toEqual({
      rows: [['a', 'b'], ['1', '2']], cut: false,
    });
  });

  it('stops at maxRows and says so', () => {
    const text = Array.from({ length: 50 }, (_, i) => `${i},x`).join('\n');
    const result = parseDelimited(text, { ...whole, maxRows: 10 });
    expect(result.rows).toHaveLength(10);
    expect(result.rows[9]).toEqual(['9', 'x']);
    expect(result.cut).toBe(true);
  });

  it('splits TSV on tabs only', () => {
    expect(parseDelimited('a\tb,c\n1\t2\n', { ...whole, delimiter: '\t' }).rows).toEqual([['a', 'b,c'], ['1', '2']]);
  });

  it('returns no rows for empty text', () => {
    expect(parseDelimited('', whole)).toEqual({ rows: [], cut: false });
  });
});

describe('delimiterFor', () => {
  it('uses a tab for .tsv and .tab, a comma otherwise', () => {
    expect(delimiterFor('data/x.TSV')).toBe('\t');
    expect(delimiterFor('x.tab')).toBe('\t');
    expect(delimiterFor('x.csv')).toBe(',');
  });
});
