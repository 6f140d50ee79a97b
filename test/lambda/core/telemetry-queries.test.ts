// The exact SEARCH, Metrics Insights and Logs Insights text behind the usage dashboard, alarms and report
// (lambda/core/telemetry-queries.ts, which lib/usage-metrics.ts re-exports for the CDK).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
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
  type KvsPlaybackByteMetric,
  logsInsightsString,
  METRIC_EXPRESSION_MAX_CHARS,
  renderQuery,
  searchString,
  sessionsByPrincipalQuery,
  sessionsDeniedInsightsQuery,
  sessionsIssuedSearch,
  streamSearchTerm,
} from '../../../lambda/core/telemetry-queries';

describe('streamSearchTerm', () => {
  it.each([
    ['cam-1', 'StreamName="cam-1"'],
    ['site7-*', 'StreamName=site7'],
    ['partner-acme_cam*', 'StreamName=partner AND StreamName=acme AND StreamName=cam'],
    ['*', ''],
  ])('%s -> %s', (pattern, term) => {
    expect(streamSearchTerm(pattern)).toBe(term);
  });

  it('turns a prefix into one partial-match term per word, whatever separates the words (property)', () => {
    const word = fc.stringMatching(/^[a-zA-Z0-9]{1,6}$/);
    const separator = fc.stringMatching(/^[-_.]{1,2}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(word, separator), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (parts, cut) => {
          // `site7-*` or `site7*`: the prefix may end inside a word or after a separator.
          const prefix = parts.map(([w, sep]) => w + sep).join('');
          const pattern = `${cut ? prefix.replace(/[-_.]+$/, '') : prefix}*`;
          expect(streamSearchTerm(pattern)).toBe(parts.map(([w]) => `StreamName=${w}`).join(' AND '));
        },
      ),
    );
  });
});

describe('string literals (second line of defence: stream names are checked before)', () => {
  it('escapes backslashes and double quotes, and single quotes too inside SEARCH', () => {
    expect(searchString(`a\\b"c'd`)).toBe(`"a\\\\b\\"c\\'d"`);
    expect(logsInsightsString(`a\\b"c'd`)).toBe(`"a\\\\b\\"c'd"`);
    expect(searchString('cam-1')).toBe('"cam-1"');
    expect(logsInsightsString('cam-1')).toBe('"cam-1"');
  });

  it('reads back as the value: every quote escaped, unescaping gives the value (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\\', '"', "'", '-') }), (value) => {
        for (const [literal, unescaped] of [
          [searchString(value), /["'\\]/],
          [logsInsightsString(value), /["\\]/],
        ] as const) {
          const inner = literal.slice(1, -1);
          expect(literal).toBe(`"${inner}"`);
          expect(inner.replace(/\\(.)/g, '')).not.toMatch(unescaped);
          expect(inner.replace(/\\(.)/g, '$1')).toBe(value);
        }
      }),
    );
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
    expect(sessionsIssuedSearch('*', 300)).toBe(
      `SEARCH('Namespace="KvsSessionBroker" MetricName="SessionsIssued"', 'Sum', 300)`,
    );
    expect(sessionsIssuedSearch('site7-*', 60)).toBe(
      `SEARCH('Namespace="KvsSessionBroker" MetricName="SessionsIssued" StreamName=site7', 'Sum', 60)`,
    );
  });

  it('finds the KVS byte metric of the streams a prefix selects', () => {
    expect(kvsBytesSearch('GetClip.OutgoingBytes', 'site7-*', 60)).toBe(
      `SEARCH('{AWS/KinesisVideo,StreamName} MetricName="GetClip.OutgoingBytes" StreamName=site7', 'Sum', 60)`,
    );
  });
});

const unscoped = (metric: KvsPlaybackByteMetric) =>
  `SELECT SUM("${metric}") FROM SCHEMA("AWS/KinesisVideo", StreamName)`;
const scoped = (metric: KvsPlaybackByteMetric, names: readonly string[]) =>
  `${unscoped(metric)} WHERE ${[...names]
    .sort()
    .map((n) => `StreamName = '${n}'`)
    .join(' OR ')}`;

/** Nine stream names of at most 256 characters (KVS's limit) whose scoped query for `metric` is `chars` long. */
function streamsFilling(metric: KvsPlaybackByteMetric, chars: number): string[] {
  const names = Array.from({ length: 9 }, (_, i) => `cam-${i}-`);
  let missing = chars - scoped(metric, names).length;
  for (let i = 0; missing > 0; i += 1) {
    const more = Math.min(missing, 256 - names[i]!.length);
    names[i] += 'x'.repeat(more);
    missing -= more;
  }
  expect(scoped(metric, names)).toHaveLength(chars);
  return names;
}

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

  it('names up to 20 distinct streams (a name given twice counts once)', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `cam-${i}`);
    expect(kvsBytesInsightsQuery('GetClip.OutgoingBytes', [...twenty, 'cam-3'])).toBe(
      scoped('GetClip.OutgoingBytes', twenty),
    );
    expect(alarmScopedToStreams(twenty)).toBe(true);
  });

  it(`names the streams only while the query fits a metric expression (${METRIC_EXPRESSION_MAX_CHARS} characters)`, () => {
    const metric = 'GetTSFragment.OutgoingBytes';
    const fits = streamsFilling(metric, METRIC_EXPRESSION_MAX_CHARS);
    expect(kvsBytesInsightsQuery(metric, fits)).toBe(scoped(metric, fits));
    const over = streamsFilling(metric, METRIC_EXPRESSION_MAX_CHARS + 1);
    expect(kvsBytesInsightsQuery(metric, over)).toBe(unscoped(metric));
  });

  it('scopes the alarms by name only when the longest metric name still fits', () => {
    const longest = 'GetMP4MediaFragment.OutgoingBytes';
    const fits = streamsFilling(longest, METRIC_EXPRESSION_MAX_CHARS);
    expect(alarmScopedToStreams(fits)).toBe(true);
    const over = streamsFilling(longest, METRIC_EXPRESSION_MAX_CHARS + 1);
    expect(kvsBytesInsightsQuery('GetClip.OutgoingBytes', over)).toBe(scoped('GetClip.OutgoingBytes', over));
    expect(alarmScopedToStreams(over)).toBe(false);
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
    const granted = 'audit = "kvs-archive" and kvsOperation = "GetImages" and outcome = "GRANTED"';
    expect(imagesByStreamQuery()).toEqual({
      filter: granted,
      stats: 'count(*) as requests, sum(imagesReturned) as images by stream',
      sort: 'images desc',
      limit: 100,
    });
    expect(imagesByPrincipalQuery()).toEqual({
      filter: granted,
      stats: 'count(*) as requests, sum(imagesReturned) as images by issuer, tenant, sub, stream',
      sort: 'images desc',
      limit: 10000,
    });
    expect(imagesByPrincipalQuery('cam-1').filter).toBe(`${granted} and stream = "cam-1"`);
  });
});

describe('Logs Insights queries (usage report)', () => {
  it('renders the commands in order, joined by pipes, sort and limit only when given', () => {
    expect(renderQuery({ filter: 'a = 1', stats: 'count(*) by b' })).toBe(
      'filter a = 1 | stats count(*) by b',
    );
    expect(renderQuery({ filter: 'a = 1', stats: 'count(*) as n by b', sort: 'n desc', limit: 0 })).toBe(
      'filter a = 1 | stats count(*) as n by b | sort n desc | limit 0',
    );
  });

  it('reads the session-seconds granted per principal and stream, of one stream when asked', () => {
    expect(renderQuery(sessionsByPrincipalQuery())).toBe(
      'filter audit = "kvs-session" and outcome = "GRANTED"' +
        ' | stats count(*) as sessions, sum(expiresInSeconds) as sessionSeconds by issuer, tenant, sub, stream' +
        ' | sort sessions desc | limit 10000',
    );
    expect(sessionsByPrincipalQuery('cam-"1').filter).toBe(
      'audit = "kvs-session" and outcome = "GRANTED" and stream = "cam-\\"1"',
    );
  });
});
