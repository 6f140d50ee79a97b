// How the usage report and local mode's usage page write money and bytes (lambda/core/usage-attribution.ts): two
// decimals, three significant digits under a cent, and bytes in the binary units AWS bills in.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatBytes, money, moneyWithCurrency } from '../../../lambda/core/usage-attribution';

/** Half a unit of the third significant digit of `n`: the most a three-digit rounding may move it. */
const halfThirdDigit = (n: number) => 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(n))) - 2);

describe('money', () => {
  it.each([
    [0, '0.00'],
    [0.01, '0.01'],
    [0.5, '0.50'],
    [1234.5, '1234.50'],
    [0.0000123, '0.0000123'],
    [0.00123456, '0.00123'],
    [0.0099, '0.00990'],
  ])('%p -> %s', (n, text) => {
    expect(money(n)).toBe(text);
  });

  it('writes a cent or more with two decimals, rounded to the cent (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1e9, noNaN: true }), (n) => {
        const text = money(n);
        expect(text).toMatch(/^\d+\.\d\d$/);
        expect(Math.abs(Number(text) - n)).toBeLessThanOrEqual(0.005 + 1e-9 * n);
      }),
    );
  });

  it('writes less than a cent with three significant digits (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-15, max: 0.0099, noNaN: true }), (n) => {
        const text = money(n);
        // leading zeros, then three digits: 0.0000123 (a rounding up to the next power of ten shows 0.00100)
        expect(text).toMatch(/^0\.0*[1-9]\d\d$/);
        expect(Math.abs(Number(text) - n)).toBeLessThanOrEqual(halfThirdDigit(n) * (1 + 1e-9));
      }),
    );
  });

  it('names the currency, USD unless another is given', () => {
    expect(moneyWithCurrency(0.0000123)).toBe('USD 0.0000123');
    expect(moneyWithCurrency(2, 'EUR')).toBe('EUR 2.00');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [12.7, '13 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [1024 ** 2 - 1, '1020 KB'],
    [12.3 * 1024 ** 2, '12.3 MB'],
    [2.04 * 1024 ** 3, '2.04 GB'],
    [1024 ** 4, '1 TB'],
    [2000 * 1024 ** 4, '2000 TB'],
    [-2048, '-2 KB'],
  ])('%p -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('picks the largest unit (up to TB) under which the value is 1 or more, with three significant digits (property)', () => {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (bytes) => {
        const [value, unit] = formatBytes(bytes).split(' ');
        const k = units.indexOf(unit!);
        expect(k).toBeGreaterThanOrEqual(0);
        const exact = bytes / 1024 ** k;
        expect(exact).toBeGreaterThanOrEqual(1);
        if (k < units.length - 1) expect(exact).toBeLessThan(1024);
        if (k === 0) expect(Number(value)).toBe(bytes);
        else expect(Math.abs(Number(value) - exact)).toBeLessThanOrEqual(halfThirdDigit(exact) * (1 + 1e-9));
      }),
    );
  });
});
