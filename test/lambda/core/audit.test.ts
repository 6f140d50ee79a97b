// The one rule for attacker-controlled text on its way to a log line (logSafe), applied by every audit line.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { auditEvent, hasUnsafeLogChars, LOG_TEXT_MAX, logSafe } from '../../../lambda/core/audit';

describe('logSafe', () => {
  it.each<[string, string, string]>([
    [
      'a forged second JSON line',
      'UA\n{"audit":"kvs-session","outcome":"GRANTED"}',
      'UA\ufffd{"audit":"kvs-session","outcome":"GRANTED"}',
    ],
    ['a carriage return hiding what came before', 'evil\rCameraApp/4.2', 'evil\ufffdCameraApp/4.2'],
    ['a terminal escape sequence', 'x\u001b[2J\u001b[31mred', 'x\ufffd[2J\ufffd[31mred'],
    ['a C1 control (CSI)', 'a\u009bb', 'a\ufffdb'],
    ['DEL and NUL', 'a\u007fb\u0000c', 'a\ufffdb\ufffdc'],
    ['Unicode line and paragraph separators', 'a\u2028b\u2029c', 'a\ufffdb\ufffdc'],
    ['a bidi override (Trojan Source)', 'admin\u202egnp.exe', 'admin\ufffdgnp.exe'],
    ['a bidi isolate', 'a\u2066b\u2069', 'a\ufffdb\ufffd'],
    ['zero-width characters and a BOM', 'ad\u200bmin\ufeff', 'ad\ufffdmin\ufffd'],
    ['a lone surrogate', 'a\ud800b\udc00', 'a\ufffdb\ufffd'],
  ])('replaces %s', (_name, input, expected) => {
    expect(logSafe(input)).toBe(expected);
  });

  it('keeps ordinary text, non-Latin letters and emoji as they are', () => {
    for (const text of ['CameraApp/4.2 (iPhone; iOS 19.1)', 'Zoë', 'auth0|5f7c8ec7', '東京-cam', 'cam 📷']) {
      expect(logSafe(text)).toBe(text);
    }
  });

  it('cuts text longer than 256 code points to 255 and a marker, never splitting a surrogate pair', () => {
    expect(LOG_TEXT_MAX).toBe(256);
    expect(logSafe('a'.repeat(256))).toBe('a'.repeat(256));
    expect(logSafe('a'.repeat(257))).toBe(`${'a'.repeat(255)}…`);
    expect(logSafe('📷'.repeat(300))).toBe(`${'📷'.repeat(255)}…`);
    expect(logSafe('x'.repeat(1_000_000))).toHaveLength(256);
  });

  it('agrees with hasUnsafeLogChars, which the authorizer uses to refuse subs (property)', () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom('\n', '\u202e', '\u0085', '\ud800', 'a'),
        fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      ),
      maxLength: 50,
    });
    fc.assert(
      fc.property(text, (s) => {
        expect(hasUnsafeLogChars(s)).toBe(logSafe(s) !== s);
      }),
      { numRuns: 1000 },
    );
  });

  it('passes undefined and null through as absent', () => {
    expect(logSafe(undefined)).toBeUndefined();
    expect(logSafe(null)).toBeUndefined();
  });
});

describe('auditEvent', () => {
  it('applies the rule to every client-controlled field: user agent, stream (path), sub, request id, source ip', () => {
    const hostile = 'x\n{"forged":1}\u202e' + 'y'.repeat(400);
    const safe = logSafe(hostile)!;
    expect(safe).toBe(`x\ufffd{"forged":1}\ufffd${'y'.repeat(240)}…`);
    expect(
      auditEvent({
        nowMs: Date.UTC(2026, 10, 25, 10),
        requestId: hostile,
        extendedRequestId: 'Xy1AbGq7DoEFpLQ=',
        issuer: 'https://idp.example.com/',
        sub: hostile,
        streamName: hostile,
        sourceIp: hostile,
        userAgent: hostile,
        errorCode: 'UNAUTHORIZED',
        reason: 'INVALID_SUB',
      }),
    ).toEqual({
      audit: 'kvs-session',
      time: '2026-11-25T10:00:00.000Z',
      requestId: safe,
      extendedRequestId: 'Xy1AbGq7DoEFpLQ=',
      issuer: 'https://idp.example.com/',
      sub: safe,
      stream: safe,
      sourceIp: safe,
      userAgent: safe,
      outcome: 'DENIED',
      errorCode: 'UNAUTHORIZED',
      reason: 'INVALID_SUB',
    });
  });

  it('writes one line whatever the input: no raw line break survives JSON encoding', () => {
    const line = JSON.stringify(
      auditEvent({ nowMs: 0, requestId: 'r\n', userAgent: '\u2028\n\r', sub: 'a\u2029' }),
    );
    expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
  });
});
