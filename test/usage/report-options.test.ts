// The usage report's command line: windows, formats, price and log groups, and what it refuses.
import { describe, expect, it } from '@jest/globals';
import { bytesQueries, periodFor } from '../../usage/sources';
import { DEFAULT_PRICE_PER_GB, parseOptions } from '../../usage/report';

const NOW = Date.parse('2026-12-02T12:00:00Z');

describe('parseOptions', () => {
  it('reads a relative window, a stream, a format and a price', () => {
    expect(
      parseOptions(
        [
          '--since',
          '7d',
          '--stream',
          'cam-1',
          '--format',
          'csv',
          '--price-per-gb',
          '0.02',
          '--log-group',
          'a',
          '--log-group',
          'b',
        ],
        NOW,
      ),
    ).toEqual({
      window: { startMs: NOW - 7 * 86_400_000, endMs: NOW },
      stream: 'cam-1',
      format: 'csv',
      pricePerGb: 0.02,
      logGroups: ['a', 'b'],
    });
  });

  it('defaults to 7 days, a table, KVS data-consumed pricing (0.0085 per GB) and, against local mode, its log group', () => {
    expect(DEFAULT_PRICE_PER_GB).toBe(0.0085);
    expect(
      parseOptions(
        ['--endpoint', 'http://127.0.0.1:3000', '--since', '1h', '--until', '2026-12-02T11:30:00Z'],
        NOW,
      ),
    ).toEqual({
      window: { startMs: NOW - 3600_000, endMs: NOW - 1800_000 },
      format: 'table',
      pricePerGb: 0.0085,
      endpoint: 'http://127.0.0.1:3000',
      logGroups: ['/aws/lambda/kvs-session-broker-local'],
    });
  });

  it.each([
    [['--since', 'yesterday', '--log-group', 'a'], 'not a duration'],
    [['--format', 'xml', '--log-group', 'a'], '--format'],
    [['--price-per-gb', '-1', '--log-group', 'a'], '--price-per-gb'],
    [['--since', '1h', '--until', '2h', '--log-group', 'a'], '--since must be before --until'],
    [[], '--log-group'],
    [['--log-group', 'a', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseOptions(argv, NOW)).toThrow(message);
  });
});

describe('what it asks CloudWatch', () => {
  it('reads by the minute up to a day (1-minute data is kept 15 days), by the hour beyond', () => {
    expect(periodFor({ startMs: 0, endMs: 86_400_000 })).toBe(60);
    expect(periodFor({ startMs: 0, endMs: 86_400_001 })).toBe(3600);
  });

  it('one SEARCH per KVS byte metric, labelled by stream: no Metrics Insights query (it sees only 3 hours)', () => {
    expect(bytesQueries(60, 'cam-1')).toEqual([
      {
        Id: 'bytes0',
        Expression: `SEARCH('{AWS/KinesisVideo,StreamName} MetricName="GetMP4MediaFragment.OutgoingBytes" StreamName="cam-1"', 'Sum', 60)`,
        Label: "${PROP('Dim.StreamName')}",
        ReturnData: true,
      },
      expect.objectContaining({
        Id: 'bytes1',
        Expression: expect.stringContaining('GetTSFragment.OutgoingBytes'),
      }),
      expect.objectContaining({ Id: 'bytes2', Expression: expect.stringContaining('GetClip.OutgoingBytes') }),
    ]);
  });
});
