import { describe, expect, it } from 'vitest';
import { baseName, previewKindFor } from '@/features/artifacts/utils/preview-kind';

describe('previewKindFor', () => {
  it.each([
    ['train.log', 'text'], ['notes/README.md', 'text'], ['src/train.py', 'text'], ['a.TXT', 'text'],
    ['metrics.json', 'json'], ['config.yaml', 'yaml'], ['conda.yml', 'yaml'], ['model/MLmodel', 'yaml'],
    ['MLproject', 'yaml'], ['data.csv', 'csv'], ['data.tsv', 'csv'], ['plot.PNG', 'image'],
    ['fig.svg', 'image'], ['photo.jpeg', 'image'], ['report.html', 'html'], ['page.htm', 'html'],
    ['model.pkl', 'none'], ['weights.bin', 'none'], ['LICENSE', 'text'], ['noext', 'none'],
    ['.hidden', 'none'], ['dir.v2/file', 'none'],
  ])('%s -> %s', (path, kind) => {
    expect(previewKindFor(path)).toBe(kind);
  });
});

describe('baseName', () => {
  it('takes the last path segment', () => {
    expect(baseName('a/b/c.txt')).toBe('c.txt');
    expect(baseName('c.txt')).toBe('c.txt');
  });
});
