// The authorizer's logger (lambda/runtime/json-logger.ts) writes exactly the lines Powertools Logger writes.
// Swapping it in changes no Logs Insights query, alarm or dashboard: compared line by line, clocks pinned.
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { JsonLogger } from '../../lambda/runtime/json-logger';

const NOW = new Date('2026-11-25T10:00:00.000Z');
const context = {
  awsRequestId: 'req-1',
  functionName: 'broker',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:broker',
  memoryLimitInMB: '512',
  functionVersion: '$LATEST',
} as unknown as Context;
const ENV = {
  _X_AMZN_TRACE_ID: 'Root=1-6745-abc;Parent=53995c3f42cd8ad8;Sampled=1',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
};

/** Every line written to stdout and stderr while `run` runs, as written (byte for byte), stderr's marked. */
function stdoutLines(run: () => void): string[] {
  const lines: string[] = [];
  const spies = (['stdout', 'stderr'] as const).map((stream) =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(
        stream === 'stderr' ? `${String(chunk).trimEnd().slice(0, -1)},"(stderr)":true}\n` : String(chunk),
      );
      return true;
    }),
  );
  try {
    run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.trim());
}

afterEach(() => {
  jest.useRealTimers();
  delete process.env._X_AMZN_TRACE_ID;
  delete process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
});

describe('JsonLogger', () => {
  it('writes the lines Powertools Logger writes, byte for byte, before and inside invocations', () => {
    jest.useFakeTimers({ now: NOW });
    Object.assign(process.env, ENV);
    const calls = (logger: JsonLogger | Logger) => {
      logger.info('before any invocation', { a: 1 });
      logger.addContext(context);
      logger.info('token accepted', { requestId: 'r', sub: 'alice', grants: 2, skipped: undefined });
      logger.error('unhandled error', { detail: 'boom "quoted"\n' });
      // Lambda sets the next invocation's trace header before it calls the handler.
      process.env._X_AMZN_TRACE_ID = 'Root=1-6746-def;Parent=53995c3f42cd8ad9;Sampled=0';
      logger.addContext({ ...context, awsRequestId: 'req-2' });
      logger.info('second');
      logger.info('token accepted', { requestId: 'r2', sub: 'bob', grants: 1 });
      logger.addContext({ ...context, awsRequestId: 'req-3', functionName: 'renamed' });
      logger.warn('third', {});
      process.env._X_AMZN_TRACE_ID = ENV._X_AMZN_TRACE_ID;
    };
    const ours = stdoutLines(() => calls(new JsonLogger({ serviceName: 'kvs-session-broker' })));
    const theirs = stdoutLines(() => calls(new Logger({ serviceName: 'kvs-session-broker' })));
    expect(ours).toHaveLength(6);
    expect(new Set(ours.map((l) => (JSON.parse(l) as { xray_trace_id: string }).xray_trace_id)).size).toBe(2);
    expect(ours).toEqual(theirs);
  });

  it('follows the log level of the environment, and SILENT writes nothing', () => {
    const lines: string[] = [];
    const write = (l: string) => void lines.push(l);
    new JsonLogger({ env: { POWERTOOLS_LOG_LEVEL: 'error' }, write }).info('dropped');
    new JsonLogger({ env: { AWS_LAMBDA_LOG_LEVEL: 'WARN' }, write }).info('dropped');
    new JsonLogger({ env: { POWERTOOLS_LOG_LEVEL: 'SILENT' }, write }).error('dropped');
    new JsonLogger({ env: {}, write, now: () => NOW, serviceName: 's' }).info('kept');
    expect(lines).toEqual([
      '{"level":"INFO","message":"kept","timestamp":"2026-11-25T10:00:00.000Z","service":"s","sampling_rate":0}',
    ]);
  });
});
