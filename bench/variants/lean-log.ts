// A lean structured logger for the deployed Lambdas: one JSON line per call, with the keys Powertools Logger
// writes (level, message, timestamp, service, cold_start, function_*, xray_trace_id, then the call's fields at
// the top level), so Logs Insights queries over `audit`, `outcome`, `errorCode`... read its lines unchanged.
// Measured against Powertools Logger in `npm run bench` (bench/README.md): a fraction of the bytes and of the
// time per line. The level comes from POWERTOOLS_LOG_LEVEL or AWS_LAMBDA_LOG_LEVEL, as Powertools reads it.
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

const LEVELS = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevel = keyof typeof LEVELS;
export type LogFields = Record<string, unknown>;

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

function levelOf(value: string | undefined): LogLevel | undefined {
  const upper = value?.toUpperCase();
  return upper !== undefined && upper in LEVELS ? (upper as LogLevel) : undefined;
}

export class JsonLogger {
  private readonly threshold: number;
  private readonly service: string;
  private readonly write: (line: string, level: LogLevel) => void;
  private readonly now: () => Date;
  private readonly env: Record<string, string | undefined>;
  /** The serialized keys of the current invocation, between the service and the call's fields. */
  private invocation = '';
  private coldStart: boolean;

  constructor(options: JsonLoggerOptions = {}) {
    this.env = options.env ?? process.env;
    const level =
      options.logLevel ?? levelOf(this.env.POWERTOOLS_LOG_LEVEL) ?? levelOf(this.env.AWS_LAMBDA_LOG_LEVEL);
    this.threshold = LEVELS[level ?? 'INFO'];
    this.service = JSON.stringify(
      options.serviceName ?? this.env.POWERTOOLS_SERVICE_NAME ?? 'service_undefined',
    );
    this.write =
      options.write ??
      ((line, level) =>
        void (LEVELS[level] >= LEVELS.WARN ? process.stderr : process.stdout).write(`${line}\n`));
    // Powertools reports a cold start only where Lambda says the environment started on demand.
    this.coldStart = this.env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim() === 'on-demand';
    this.now = options.now ?? (() => new Date());
  }

  /** The invocation's keys on every following line, until the next call (Powertools' resetKeys behaviour). */
  addContext(
    context: Pick<Context, 'awsRequestId' | 'functionName' | 'invokedFunctionArn' | 'memoryLimitInMB'>,
  ) {
    const keys = {
      cold_start: this.coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: context.memoryLimitInMB,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.coldStart = false;
    this.invocation = JSON.stringify(keys).slice(1, -1);
  }

  debug(message: string, fields?: LogFields): void {
    this.log('DEBUG', message, fields);
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

  private log(level: LogLevel, message: string, fields?: LogFields): void {
    if (LEVELS[level] < this.threshold) return;
    // Lambda sets the trace id per invocation in the environment: read it per line, as Powertools does.
    const trace = /Root=([^;]+)/.exec(this.env._X_AMZN_TRACE_ID ?? '')?.[1];
    const head =
      `{"level":"${level}","message":${JSON.stringify(message)},"timestamp":"${this.now().toISOString()}"` +
      `,"service":${this.service},"sampling_rate":0${trace ? `,"xray_trace_id":${JSON.stringify(trace)}` : ''}`;
    // Undefined values are left out (JSON.stringify). A field named like a fixed key comes after it: JSON parsers,
    // Logs Insights included, keep the last. An Error value serializes as {}: log its message, as the handlers do.
    const rest = fields === undefined ? '' : JSON.stringify(fields).slice(1, -1);
    this.write(`${head}${this.invocation ? `,${this.invocation}` : ''}${rest ? `,${rest}` : ''}}`, level);
  }
}

/** middy middleware: the Lambda context's keys on every line of the invocation. Never logs the event. */
export function lambdaContextKeys(logger: JsonLogger): MiddlewareObj {
  return {
    before: (request) => {
      logger.addContext(request.context);
    },
  };
}
