import { describe, expect, it } from 'vitest';
import { ancestorsOf, artifactRoute, normalisePath, parentOf } from '@/features/artifacts/utils/artifact-paths';

describe('artifact paths', () => {
  it('finds parents and ancestors', () => {
    expect(parentOf('a/b/c.txt')).toBe('a/b');
    expect(parentOf('c.txt')).toBe('');
    expect(ancestorsOf('a/b/c.txt')).toEqual(['a', 'a/b']);
    expect(ancestorsOf('c.txt')).toEqual([]);
    expect(ancestorsOf('')).toEqual([]);
  });

  it('normalises slashes and escapes each URL segment', () => {
    expect(normalisePath('/a//b/')).toBe('a/b');
    expect(artifactRoute('r1', '')).toBe('/runs/r1/artifacts');
    expect(artifactRoute('r1', 'my dir/50%.txt')).toBe('/runs/r1/artifacts/my%20dir/50%25.txt');
  });
});
