// Edges of the audit line (lambda/core/audit.ts): events API Gateway sends with parts missing, text exactly at the
// log limit, and where a session's viewerId comes from. README (Observability and audit) holds the line's fields.
import { describe, expect, it } from '@jest/globals';
import {
  auditEvent,
  auditFields,
  type AuditedRequest,
  LOG_TEXT_MAX,
  logSafe,
} from '../../../lambda/core/audit';
import type { SessionRequest } from '../../../lambda/core/request';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');

const live: SessionRequest = {
  streamName: 'cam-lobby',
  protocol: 'HLS',
  playbackMode: 'LIVE',
  displayFragmentTimestamp: 'NEVER',
} as SessionRequest;

describe('auditFields on an event with parts missing', () => {
  it('writes an empty request id and no ids, source or user agent for an event without a request context', () => {
    expect(auditFields({}, { issuer: 'https://idp.example.com/', sub: 'u' }, [])).toEqual({
      requestId: '',
      extendedRequestId: undefined,
      issuer: 'https://idp.example.com/',
      sub: 'u',
      tenant: undefined,
      streamName: undefined,
      sourceIp: undefined,
      userAgent: undefined,
    });
  });

  it('keeps the request ids but names no source or user agent for a request context without identity', () => {
    const fields = auditFields(
      { requestContext: { requestId: 'req-9', extendedRequestId: 'ext-9' } },
      undefined,
      [],
    );
    expect(fields).toMatchObject({ requestId: 'req-9', extendedRequestId: 'ext-9' });
    expect(fields.sourceIp).toBeUndefined();
    expect(fields.userAgent).toBeUndefined();
  });

  it('names a stream only from a string path parameter, never from another value a hand-built event carries', () => {
    for (const streamName of [42, { name: 'cam' }, ['cam'], true]) {
      const event = { pathParameters: { streamName } } as unknown as AuditedRequest;
      expect(auditFields(event, undefined, []).streamName).toBeUndefined();
    }
    expect(auditFields({ pathParameters: { streamName: '' } }, undefined, []).streamName).toBe('');
  });
});

describe('logSafe at exactly LOG_TEXT_MAX code points', () => {
  it('keeps 256 code points whole once an unsafe character was replaced (no ellipsis)', () => {
    const text = `${'a'.repeat(LOG_TEXT_MAX - 1)}\u0007`;
    expect(logSafe(text)).toBe(`${'a'.repeat(LOG_TEXT_MAX - 1)}\ufffd`);
  });

  it('keeps 256 astral code points (512 UTF-16 units) whole, and cuts 257', () => {
    const pair = '\u{1F3A5}';
    expect(logSafe(pair.repeat(LOG_TEXT_MAX))).toBe(pair.repeat(LOG_TEXT_MAX));
    expect(logSafe(pair.repeat(LOG_TEXT_MAX + 1))).toBe(`${pair.repeat(LOG_TEXT_MAX - 1)}…`);
  });
});

describe('auditEvent edges', () => {
  it('writes an empty request id, never a made-up one, when a caller passed none at run time', () => {
    const input = { nowMs: NOW, requestId: undefined } as unknown as Parameters<typeof auditEvent>[0];
    expect(auditEvent(input).requestId).toBe('');
  });

  it('takes the viewerId given to it, with or without a session request', () => {
    expect(auditEvent({ nowMs: NOW, requestId: 'r', viewerId: 'tv-1' }).viewerId).toBe('tv-1');
    expect(auditEvent({ nowMs: NOW, requestId: 'r', viewerId: 'tv-1', request: live }).viewerId).toBe('tv-1');
  });

  it("falls back to the session request's viewerId, and the given one wins over it", () => {
    const request = { ...live, viewerId: 'phone-2' } as SessionRequest;
    expect(auditEvent({ nowMs: NOW, requestId: 'r', request }).viewerId).toBe('phone-2');
    expect(auditEvent({ nowMs: NOW, requestId: 'r', request, viewerId: 'tv-1' }).viewerId).toBe('tv-1');
    expect(auditEvent({ nowMs: NOW, requestId: 'r', request: live })).not.toHaveProperty('viewerId');
  });
});
