// `npm run usage -- --since 7d [--until ...] [--stream NAME] [--format table|csv|json] [--endpoint URL]
//   [--price-per-gb N] [--price-per-1000-images N] [--log-group NAME ...]`: KVS playback bytes per stream from
// CloudWatch, sessions per principal and stream from the audit lines, each principal's and tenant's estimated
// share, and the archive's clips and images (archive-usage.ts). Reads CloudWatch only.
import { parseArgs } from 'node:util';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { STREAM_NAME } from '../lambda/core/config-rules';
import { LOCAL_AUDIT_LOG_GROUP } from '../lambda/core/telemetry-queries';
import { attribute, DEFAULT_PRICE_PER_GB } from '../lambda/core/usage-attribution';
import { archiveUsage, imageRows } from './archive-usage';
import { formatReport, type Format, type Report } from './format';
import { sessionRows, streamBytes, type Window } from './sources';

export { DEFAULT_PRICE_PER_GB };
/** The log group local mode answers Logs Insights queries for (its ring of audit lines). */
export const LOCAL_LOG_GROUP = LOCAL_AUDIT_LOG_GROUP;

export const HELP = `npm run usage -- [options]

KVS playback bytes per stream (CloudWatch), sessions per principal and stream (the audit lines, Logs Insights),
and each principal's and tenant's estimated share of the bytes and their cost. Reads CloudWatch only.

  --since WHEN         start of the window: 7d, 12h, 30m, 2w ago, or an ISO 8601 time (default 7d)
  --until WHEN         end of the window, as --since (default now)
  --stream NAME        one stream (a KVS stream name: 1 to 256 of a-z A-Z 0-9 _ . -)
  --format FORMAT      table, csv or json (default table)
  --price-per-gb N     price of a GB of data consumed (default ${DEFAULT_PRICE_PER_GB}, USD, KVS in us-east-1)
  --price-per-1000-images N
                       price of 1,000 images returned by GetImages, from KVS pricing for your region
                       (default: images counted, not priced)
  --log-group NAME     the broker's and authorizer's log groups (stack outputs), once each
  --endpoint URL       a CloudWatch stand-in, e.g. local mode's http://127.0.0.1:3000 (then --log-group defaults)
  -h, --help           this text
`;

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `90m`, `2w` before `nowMs`, or an ISO 8601 instant. */
export function parseInstant(text: string, nowMs: number): number {
  const relative = /^(\d+)([smhdw])$/.exec(text);
  if (relative) return nowMs - Number(relative[1]) * UNITS[relative[2]!]!;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) {
    throw new Error(`not a duration (7d, 12h, 30m) or an ISO 8601 time: ${text}`);
  }
  return ms;
}

export interface ReportOptions {
  window: Window;
  stream?: string;
  format: Format;
  endpoint?: string;
  pricePerGb: number;
  /** Unset: images are counted, not priced. */
  pricePer1000Images?: number;
  logGroups: string[];
}

/** The options, or 'help' when --help or -h is given (then nothing else is checked). */
export function parseOptions(argv: string[], nowMs: number): ReportOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      since: { type: 'string', default: '7d' },
      until: { type: 'string' },
      stream: { type: 'string' },
      format: { type: 'string', default: 'table' },
      endpoint: { type: 'string' },
      'price-per-gb': { type: 'string' },
      'price-per-1000-images': { type: 'string' },
      'log-group': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  if (values.stream !== undefined && !STREAM_NAME.test(values.stream)) {
    throw new Error('--stream: a KVS stream name, 1 to 256 of a-z A-Z 0-9 _ . -');
  }
  const format = values.format as Format;
  if (!['table', 'csv', 'json'].includes(format))
    throw new Error(`--format: table, csv or json, not ${format}`);
  const window = {
    startMs: parseInstant(values.since, nowMs),
    endMs: values.until ? parseInstant(values.until, nowMs) : nowMs,
  };
  if (!(window.startMs < window.endMs)) throw new Error('--since must be before --until');
  const price = values['price-per-gb'] === undefined ? DEFAULT_PRICE_PER_GB : Number(values['price-per-gb']);
  if (!Number.isFinite(price) || price < 0) throw new Error('--price-per-gb: a number >= 0');
  const imagePriceText = values['price-per-1000-images'];
  const imagePrice = imagePriceText === undefined ? undefined : Number(imagePriceText);
  if (
    imagePrice !== undefined &&
    (imagePriceText!.trim() === '' || !Number.isFinite(imagePrice) || imagePrice < 0)
  )
    throw new Error('--price-per-1000-images: a number >= 0');
  const logGroups = values['log-group'] ?? (values.endpoint ? [LOCAL_LOG_GROUP] : []);
  if (logGroups.length === 0) {
    throw new Error('--log-group: the broker and authorizer log groups (stack outputs), once each');
  }
  return {
    window,
    format,
    pricePerGb: price,
    ...(imagePrice !== undefined ? { pricePer1000Images: imagePrice } : {}),
    logGroups,
    ...(values.stream ? { stream: values.stream } : {}),
    ...(values.endpoint ? { endpoint: values.endpoint } : {}),
  };
}

function clientConfig(endpoint: string | undefined) {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (!endpoint) return { region };
  const loopback = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/.test(endpoint);
  // Local mode checks no signature: it needs no credentials of yours, so none are read for it.
  return {
    region,
    endpoint,
    ...(loopback ? { credentials: { accessKeyId: 'AKIDLOCALUSAGE', secretAccessKey: 'local-usage' } } : {}),
  };
}

export async function usageReport(options: ReportOptions): Promise<Report> {
  const config = clientConfig(options.endpoint);
  const logs = new CloudWatchLogsClient(config);
  const [bytes, rows, images] = await Promise.all([
    streamBytes(new CloudWatchClient(config), options.window, options.stream),
    sessionRows(logs, options.logGroups, options.window, options.stream),
    imageRows(logs, options.logGroups, options.window, options.stream),
  ]);
  return {
    ...attribute(bytes.byStream, rows),
    since: new Date(options.window.startMs).toISOString(),
    until: new Date(options.window.endMs).toISOString(),
    pricePerGb: options.pricePerGb,
    periodSeconds: bytes.periodSeconds,
    series: bytes.series,
    archive: archiveUsage(bytes.byStreamMetric, images, options.pricePer1000Images),
  };
}

async function main(): Promise<void> {
  let options: ReportOptions;
  try {
    const parsed = parseOptions(process.argv.slice(2), Date.now());
    if (parsed === 'help') {
      process.stdout.write(HELP);
      return;
    }
    options = parsed;
  } catch (error) {
    process.stderr.write(`usage: ${(error as Error).message}\n(npm run usage -- --help)\n`);
    process.exit(2);
  }
  try {
    process.stdout.write(formatReport(await usageReport(options), options.format));
  } catch (error) {
    const e = error as Error & { name?: string };
    process.stderr.write(`usage: ${e.name ?? 'Error'}: ${e.message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
