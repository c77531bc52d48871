import { describe, expect, it } from 'vitest';
import { closestMatches, editDistance } from '../../src/lib/edit-distance.ts';

describe('editDistance', () => {
  it('counts inserts, deletes, replacements and swapped neighbours as one edit each', () => {
    expect(editDistance('source ad', 'source add')).toBe(1);
    expect(editDistance('sorces', 'sources')).toBe(1);
    expect(editDistance('actvity', 'activity')).toBe(1);
    expect(editDistance('fecth', 'fetch')).toBe(1);
    expect(editDistance('digets', 'digest')).toBe(1);
    expect(editDistance('teammates', 'teammates')).toBe(0);
    expect(editDistance('', 'map')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('ignores case', () => {
    expect(editDistance('Source ADD', 'source add')).toBe(0);
  });

  it('is symmetric', () => {
    for (const [a, b] of [
      ['unmap', 'map'],
      ['preview', 'prevue'],
      ['ca', 'abc'],
    ] as const) {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
    }
  });
});

describe('closestMatches', () => {
  const commands = ['help', 'sources', 'source add', 'source edit', 'teammates', 'map', 'unmap', 'activity'];

  it('finds what a typo meant, nearest first', () => {
    expect(closestMatches('source ad', commands)).toEqual(['source add']);
    expect(closestMatches('sorces', commands)).toEqual(['sources']);
    expect(closestMatches('mpa', commands)).toEqual(['map']);
  });

  it('suggests nothing for a word far from every candidate', () => {
    expect(closestMatches('banana', commands)).toEqual([]);
    expect(closestMatches('x', commands)).toEqual([]);
  });

  it('keeps at most `limit` suggestions', () => {
    expect(closestMatches('aaa', ['aab', 'aac', 'aad', 'aae'], { limit: 2 })).toEqual(['aab', 'aac']);
  });
});
