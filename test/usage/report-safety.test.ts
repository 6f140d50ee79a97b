// The usage report's outputs and queries are safe with hostile values: CSV cells a spreadsheet would run as formulas
// are neutralised (OWASP, "CSV Injection"; a partner identity provider chooses `sub`), `--stream` is a KVS stream name
// or refused, and a value that still reached a query could not leave its string literal in either query language.
import { describe, expect, it } from '@jest/globals';
import {
  logsInsightsString,
  searchString,
  sessionsByPrincipalQuery,
  streamSearchTerm,
} from '../../lambda/core/telemetry-queries';
import { costOf } from '../../lambda/core/usage-attribution';
import { csvCell, formatReport, money, type Report } from '../../usage/format';
import { HELP, parseOptions } from '../../usage/report';
import { bytesQueries } from '../../usage/sources';

const NOW = Date.parse('2026-12-02T12:00:00Z');

describe('CSV cells (OWASP, "CSV Injection")', () => {
  it.each(['=HYPERLINK("https://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])(
    'neutralises %j with a leading quote, inside a quoted cell',
    (value) => {
      const cell = csvCell(value);
      expect(cell.startsWith(`"'`)).toBe(true);
      expect(cell).toBe(`"'${value.replace(/"/g, '""')}"`);
    },
  );

  it('leaves ordinary text and our numbers alone, and quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('user-1')).toBe('user-1');
    expect(csvCell('https://idp.example.com/')).toBe('https://idp.example.com/');
    expect(csvCell(1234)).toBe('1234');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('writes a hostile sub and tenant of the report as text', () => {
    const report: Report = {
      since: 'a',
      until: 'b',
      pricePerGb: 0.0085,
      periodSeconds: 60,
      series: {},
      streams: [],
      principals: [
        {
          issuer: 'https://idp/',
          sub: '=cmd|" /C calc"!A0',
          tenant: '@tenant',
          sessions: 1,
          sessionSeconds: 300,
          bytes: 10,
          bytesByStream: {},
        },
      ],
      tenants: [{ tenant: '+tenant', principals: 1, sessions: 1, sessionSeconds: 300, bytes: 10 }],
    };
    const lines = formatReport(report, 'csv').trim().split('\n');
    const cost = money(costOf(10, 0.0085));
    expect(lines[1]).toBe(`principal,,https://idp/,"'@tenant","'=cmd|"" /C calc""!A0",1,300,10,yes,${cost}`);
    expect(lines[2]).toBe(`tenant,,,"'+tenant",,1,300,10,yes,${cost}`);
  });
});

describe('--stream (KVS API reference, CreateStream StreamName: 1 to 256 of [a-zA-Z0-9_.-])', () => {
  it.each(['cam-1', 'site7.door_2', 'a'.repeat(256)])('accepts %s', (stream) => {
    expect(parseOptions(['--stream', stream, '--log-group', 'g'], NOW)).toMatchObject({ stream });
  });

  it.each(['cam-1" or outcome = "DENIED', 'cam-1\') MetricName="x', 'cam 1', 'a'.repeat(257), '', 'cam-*'])(
    'refuses %j before any query is built',
    (stream) => {
      expect(() => parseOptions(['--stream', stream, '--log-group', 'g'], NOW)).toThrow(
        '--stream: a KVS stream name',
      );
    },
  );
});

describe('string literals in both query languages', () => {
  const hostile = `x" or a = "b\\' ) | stats`;

  it('Logs Insights: a value stays inside its double quotes', () => {
    expect(logsInsightsString(hostile)).toBe(`"x\\" or a = \\"b\\\\' ) | stats"`);
    expect(sessionsByPrincipalQuery(hostile).filter).toBe(
      `audit = "kvs-session" and outcome = "GRANTED" and stream = ${logsInsightsString(hostile)}`,
    );
  });

  it("SEARCH: a value stays inside its double quotes and the expression's single quotes", () => {
    expect(searchString(`it's "x"\\`)).toBe(`"it\\'s \\"x\\"\\\\"`);
    expect(streamSearchTerm(`it's`)).toBe(`StreamName="it\\'s"`);
    expect(bytesQueries(60, 'cam-1')[0]!.Expression).toContain('StreamName="cam-1"');
  });

  it('changes nothing in a valid stream name', () => {
    expect(logsInsightsString('site7.door_2-a')).toBe('"site7.door_2-a"');
    expect(searchString('site7.door_2-a')).toBe('"site7.door_2-a"');
  });
});

describe('--help', () => {
  it.each([['--help'], ['-h'], ['--help', '--format', 'xml']])(
    '%j asks for the help text, checking nothing else',
    (...argv) => {
      expect(parseOptions(argv, NOW)).toBe('help');
    },
  );

  it('names every option the parser takes', () => {
    for (const option of [
      '--since',
      '--until',
      '--stream',
      '--format',
      '--price-per-gb',
      '--log-group',
      '--endpoint',
      '-h, --help',
    ]) {
      expect(HELP).toContain(option);
    }
  });
});
