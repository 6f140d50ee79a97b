// The exact SEARCH and Metrics Insights text behind the usage dashboard and alarms (lambda/core/telemetry-queries.ts, which
// lib/usage-metrics.ts re-exports for the CDK).
import { describe, expect, it } from '@jest/globals';
import { costOf } from '../../../lambda/core/usage-attribution';
import {
  alarmScopedToStreams,
  bytesCostExpression,
  imagesByPrincipalQuery,
  imagesByStreamQuery,
  imagesCostExpression,
  imagesReturnedSum,
  kvsBytesInsightsQuery,
  kvsBytesSearch,
  sessionsDeniedInsightsQuery,
  sessionsIssuedSearch,
  streamSearchTerm,
} from '../../../lambda/core/telemetry-queries';

describe('streamSearchTerm', () => {
  it.each([
    ['cam-1', 'StreamName="cam-1"'],
    ['site7-*', 'StreamName=site7'],
    ['partner-acme_cam*', 'StreamName=partner AND StreamName=acme AND StreamName=cam'],
  ])('%s -> %s', (pattern, term) => {
    expect(streamSearchTerm(pattern)).toBe(term);
  });
});

describe('SEARCH expressions', () => {
  it('finds one KVS byte metric per stream under the KVS schema', () => {
    expect(kvsBytesSearch('GetTSFragment.OutgoingBytes', 'cam-1', 60)).toBe(
      `SEARCH('{AWS/KinesisVideo,StreamName} MetricName="GetTSFragment.OutgoingBytes" StreamName="cam-1"', 'Sum', 60)`,
    );
    expect(kvsBytesSearch('GetClip.OutgoingBytes', '*', 300)).toBe(
      `SEARCH('{AWS/KinesisVideo,StreamName} MetricName="GetClip.OutgoingBytes"', 'Sum', 300)`,
    );
  });

  it('finds sessions issued without a schema, so the Powertools service dimension does not hide them', () => {
    expect(sessionsIssuedSearch('cam-1', 300)).toBe(
      `SEARCH('Namespace="KvsSessionBroker" MetricName="SessionsIssued" StreamName="cam-1"', 'Sum', 300)`,
    );
    expect(sessionsIssuedSearch('*', 300)).not.toMatch(/\{/);
  });
});

describe('Metrics Insights queries (alarms)', () => {
  it('names the streams when all are exact', () => {
    expect(kvsBytesInsightsQuery('GetMP4MediaFragment.OutgoingBytes', ['cam-2', 'cam-1'])).toBe(
      `SELECT SUM("GetMP4MediaFragment.OutgoingBytes") FROM SCHEMA("AWS/KinesisVideo", StreamName) WHERE StreamName = 'cam-1' OR StreamName = 'cam-2'`,
    );
  });

  it.each([
    ['a prefix', ['cam-1', 'site7-*']],
    ['more than 20 names', Array.from({ length: 21 }, (_, i) => `cam-${i}`)],
  ])('covers the whole account and region with %s', (_name, streams) => {
    expect(alarmScopedToStreams(streams)).toBe(false);
    expect(kvsBytesInsightsQuery('GetClip.OutgoingBytes', streams)).toBe(
      `SELECT SUM("GetClip.OutgoingBytes") FROM SCHEMA("AWS/KinesisVideo", StreamName)`,
    );
  });

  it('counts denied sessions by error code from the namespace, whatever the dimension set', () => {
    expect(sessionsDeniedInsightsQuery('THROTTLED')).toBe(
      "SELECT SUM(SessionsDenied) FROM KvsSessionBroker WHERE ErrorCode = 'THROTTLED'",
    );
  });
});

describe('archive usage (clips and images)', () => {
  it('prices bytes as the usage report does: per GB of 2^30 bytes', () => {
    const expression = bytesCostExpression('b', 0.0085);
    expect(expression).toBe('b * 0.0085 / 1073741824');
    // evaluated on 3 GB, it is the report's costOf
    const [x, times, price, over, gb] = bytesCostExpression(String(3 * 2 ** 30), 0.0085).split(' ');
    expect([times, over]).toEqual(['*', '/']);
    expect((Number(x) * Number(price)) / Number(gb)).toBeCloseTo(costOf(3 * 2 ** 30, 0.0085), 12);
    expect(imagesCostExpression('i', 0.5)).toBe('i * 0.5 / 1000');
  });

  it('sums ImagesReturned without a schema, so the Powertools service dimension does not hide it', () => {
    expect(imagesReturnedSum(60)).toBe(
      `SUM(SEARCH('Namespace="KvsSessionBroker" MetricName="ImagesReturned"', 'Sum', 60))`,
    );
  });

  it('counts images per stream with the filter of the usage report (granted GetImages archive lines)', () => {
    expect(imagesByStreamQuery().filter).toBe(imagesByPrincipalQuery().filter);
    expect(imagesByPrincipalQuery('cam-1').filter).toBe(
      'audit = "kvs-archive" and kvsOperation = "GetImages" and outcome = "GRANTED" and stream = "cam-1"',
    );
    expect(imagesByStreamQuery().stats).toBe('count(*) as requests, sum(imagesReturned) as images by stream');
  });
});
