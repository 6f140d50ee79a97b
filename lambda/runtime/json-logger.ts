// The authorizer's structured logger: one JSON line per call with exactly the bytes Powertools Logger writes (level,
// message, timestamp, service, the invocation's cold_start and function_* keys, sampling_rate, xray_trace_id, then
// the call's fields at the top level), so Logs Insights queries, alarms and the usage report read its lines
// unchanged (test/bench/lean-log.test.ts compares them byte for byte). Why not Powertools Logger on the authorizer's
// hot path: README (Performance). The level comes from POWERTOOLS_LOG_LEVEL or AWS_LAMBDA_LOG_LEVEL, as Powertools
// reads it.
import type { Context } from 'aws-lambda';

const LEVELS = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevel = keyof typeof LEVELS;
export type LogFields = Record<string, unknown>;

/** What the authorizer needs of a logger: Powertools Logger (local mode, tests) and JsonLogger both fit. */
export interface StructuredLogger {
  info(message: string, fields: LogFields): void;
  warn(message: string, fields: LogFields): void;
  error(message: string, fields: LogFields): void;
}

export interface JsonLoggerOptions {
  serviceName?: string;
  /** @default POWERTOOLS_LOG_LEVEL, else AWS_LAMBDA_LOG_LEVEL, else INFO */
  logLevel?: LogLevel;
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** Where each line goes (without its newline). @default stdout, WARN and above stderr (as Powertools) */
  write?: (line: string, level: LogLevel) => void;
  /** @default () => new Date() */
  now?: () => Date;
}

/** The Lambda context's keys a line carries. */
export type InvocationContext = Pick<
  Context,
  'awsRequestId' | 'functionName' | 'invokedFunctionArn' | 'memoryLimitInMB'
>;

function levelOf(value: string | undefined): LogLevel | undefined {
  const upper = value?.toUpperCase();
  return upper !== undefined && upper in LEVELS ? (upper as LogLevel) : undefined;
}

const defaultWrite = (line: string, level: LogLevel) =>
  void (LEVELS[level] >= LEVELS.WARN ? process.stderr : process.stdout).write(`${line}\n`);

export class JsonLogger implements StructuredLogger {
  private readonly threshold: number;
  /** `,"service":"…"`, serialized once. */
  private readonly serviceKey: string;
  private readonly write: (line: string, level: LogLevel) => void;
  private readonly now: () => Date;
  private readonly env: Record<string, string | undefined>;
  /** `,` and the serialized keys of the current invocation, or empty before the first. */
  private invocation = '';
  private coldStart: boolean;
  /** The invocation's `,"xray_trace_id":"…"`, read in addContext; undefined before the first invocation. */
  private traceKey: string | undefined;

  constructor(options: JsonLoggerOptions = {}) {
    this.env = options.env ?? process.env;
    const level =
      options.logLevel ?? levelOf(this.env.POWERTOOLS_LOG_LEVEL) ?? levelOf(this.env.AWS_LAMBDA_LOG_LEVEL);
    this.threshold = LEVELS[level ?? 'INFO'];
    const service = options.serviceName ?? this.env.POWERTOOLS_SERVICE_NAME ?? 'service_undefined';
    this.serviceKey = `,"service":${JSON.stringify(service)}`;
    this.write = options.write ?? defaultWrite;
    // Powertools reports a cold start only where Lambda says the environment started on demand.
    this.coldStart = this.env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim() === 'on-demand';
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The invocation's keys on every following line, until the next call (Powertools' resetKeys behaviour). Lambda
   * sets the trace header per invocation, before the handler runs: it is read here, and per line before the first.
   */
  addContext(context: InvocationContext): void {
    const keys = JSON.stringify({
      cold_start: this.coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: context.memoryLimitInMB,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    });
    this.coldStart = false;
    this.invocation = `,${keys.slice(1, -1)}`;
    this.traceKey = this.readTrace();
  }

  info(message: string, fields?: LogFields): void {
    this.log('INFO', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('WARN', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('ERROR', message, fields);
  }

  /** `,"xray_trace_id":"…"` for the current trace header, or empty. */
  private readTrace(): string {
    const root = /Root=([^;]+)/.exec(this.env._X_AMZN_TRACE_ID ?? '')?.[1];
    return root ? `,"xray_trace_id":${JSON.stringify(root)}` : '';
  }

  protected log(level: LogLevel, message: string, fields?: LogFields): void {
    if (LEVELS[level] < this.threshold) return;
    // Undefined values are left out (JSON.stringify). A field named like a fixed key comes after it: JSON parsers,
    // Logs Insights included, keep the last. An Error value serializes as {}: log its message, as the handlers do.
    const rest = fields === undefined ? '' : JSON.stringify(fields);
    this.write(
      `{"level":"${level}","message":${JSON.stringify(message)},"timestamp":"${this.now().toISOString()}"` +
        `${this.serviceKey}${this.invocation},"sampling_rate":0${this.traceKey ?? this.readTrace()}` +
        (rest.length > 2 ? `,${rest.slice(1)}` : '}'),
      level,
    );
  }
}
