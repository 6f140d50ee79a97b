// The audit line (README (Observability and audit)): one per decision, with exactly the documented fields, never a secret.
import { describe, expect, it } from '@jest/globals';
import { auditEvent } from '../../../lambda/core/audit';
import type { ErrorCode } from '../../../lambda/core/errors';
import type { SessionRequest } from '../../../lambda/core/request';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');

const onDemand: SessionRequest = {
  streamName: 'cam-lobby',
  protocol: 'HLS',
  playbackMode: 'ON_DEMAND',
  fragmentSelectorType: 'SERVER_TIMESTAMP',
  startMs: Date.parse('2026-11-25T08:00:00.000Z'),
  endMs: Date.parse('2026-11-25T08:30:00.000Z'),
  displayFragmentTimestamp: 'NEVER',
};

describe('auditEvent', () => {
  it('writes a granted ON_DEMAND decision with its media window and expiry as ISO 8601', () => {
    expect(
      auditEvent({
        nowMs: NOW,
        requestId: 'req-1',
        issuer: 'https://idp.example.com/',
        sub: 'user-1',
        request: onDemand,
        expiresAtMs: NOW + 300_000,
        sourceIp: '203.0.113.7',
        userAgent: 'ExoPlayer/2.19',
      }),
    ).toEqual({
      audit: 'kvs-session',
      time: '2026-11-25T10:00:00.000Z',
      requestId: 'req-1',
      issuer: 'https://idp.example.com/',
      sub: 'user-1',
      stream: 'cam-lobby',
      protocol: 'HLS',
      playbackMode: 'ON_DEMAND',
      mediaStart: '2026-11-25T08:00:00.000Z',
      mediaEnd: '2026-11-25T08:30:00.000Z',
      expiresAt: '2026-11-25T10:05:00.000Z',
      expiresInSeconds: 300,
      sourceIp: '203.0.113.7',
      userAgent: 'ExoPlayer/2.19',
      outcome: 'GRANTED',
    });
  });

  it('leaves out every field it was not given (no "undefined" keys in the JSON line)', () => {
    const event = auditEvent({
      nowMs: NOW,
      requestId: 'req-2',
      errorCode: 'UNAUTHORIZED',
      reason: 'NO_TOKEN',
    });
    expect(event).toEqual({
      audit: 'kvs-session',
      time: '2026-11-25T10:00:00.000Z',
      requestId: 'req-2',
      outcome: 'DENIED',
      errorCode: 'UNAUTHORIZED',
      reason: 'NO_TOKEN',
    });
    expect(Object.keys(event)).toHaveLength(6);
  });

  it('names the stream from the path when the body was refused before a request existed', () => {
    expect(
      auditEvent({ nowMs: NOW, requestId: 'r', streamName: 'cam-1', errorCode: 'INVALID_REQUEST' }),
    ).toMatchObject({ stream: 'cam-1', outcome: 'DENIED' });
  });

  it('prefers the parsed request stream over the raw path one', () => {
    expect(auditEvent({ nowMs: NOW, requestId: 'r', streamName: 'raw', request: onDemand }).stream).toBe(
      'cam-lobby',
    );
  });

  it('writes a LIVE request without a media window', () => {
    const live: SessionRequest = { ...onDemand, playbackMode: 'LIVE', startMs: undefined, endMs: undefined };
    const event = auditEvent({ nowMs: NOW, requestId: 'r', request: live });
    expect(event).not.toHaveProperty('mediaStart');
    expect(event).not.toHaveProperty('mediaEnd');
    expect(event).toMatchObject({ playbackMode: 'LIVE', protocol: 'HLS' });
  });

  it('writes media time 0 (the epoch) rather than dropping it', () => {
    const event = auditEvent({
      nowMs: 0,
      requestId: 'r',
      request: { ...onDemand, startMs: 0 },
      expiresAtMs: 0,
    });
    expect(event).toMatchObject({
      time: '1970-01-01T00:00:00.000Z',
      mediaStart: '1970-01-01T00:00:00.000Z',
      expiresAt: '1970-01-01T00:00:00.000Z',
    });
  });

  // DENIED is the caller's doing (4xx); FAILED is ours or upstream's (5xx): the alarms count FAILED.
  it.each<[ErrorCode | undefined, string]>([
    [undefined, 'GRANTED'],
    ['INVALID_REQUEST', 'DENIED'],
    ['UNAUTHORIZED', 'DENIED'],
    ['FORBIDDEN', 'DENIED'],
    ['NOT_FOUND', 'DENIED'],
    ['STREAM_NOT_PLAYABLE', 'DENIED'],
    ['THROTTLED', 'DENIED'],
    ['UPSTREAM_ERROR', 'FAILED'],
    ['UPSTREAM_TIMEOUT', 'FAILED'],
    ['INTERNAL_ERROR', 'FAILED'],
  ])('error code %s is outcome %s', (errorCode, outcome) => {
    const event = auditEvent({ nowMs: NOW, requestId: 'r', errorCode });
    expect(event.outcome).toBe(outcome);
    expect(event.errorCode).toBe(errorCode);
  });

  it('cuts the user agent to 256 characters, the last one an ellipsis, so a client cannot flood the log', () => {
    const event = auditEvent({ nowMs: NOW, requestId: 'r', userAgent: `${'a'.repeat(256)}TAIL` });
    expect(event.userAgent).toBe(`${'a'.repeat(255)}…`);
  });

  it('keeps a user agent of exactly 256 characters whole', () => {
    const ua = `${'b'.repeat(255)}c`;
    expect(auditEvent({ nowMs: NOW, requestId: 'r', userAgent: ua }).userAgent).toBe(ua);
  });

  it('has no field that could carry a token or a session URL', () => {
    const event = auditEvent({
      nowMs: NOW,
      requestId: 'r',
      issuer: 'i',
      sub: 's',
      request: onDemand,
      expiresAtMs: NOW,
      sourceIp: 'ip',
      userAgent: 'ua',
      errorCode: 'FORBIDDEN',
      reason: 'NO_GRANT',
    });
    expect(Object.keys(event).sort()).toEqual(
      [
        'audit',
        'errorCode',
        'expiresAt',
        'expiresInSeconds',
        'issuer',
        'mediaEnd',
        'mediaStart',
        'outcome',
        'playbackMode',
        'protocol',
        'reason',
        'requestId',
        'sourceIp',
        'stream',
        'sub',
        'time',
        'userAgent',
      ].sort(),
    );
  });
});
