// Shared test fixtures: a CDK app with the project's feature flags, configs, and template helpers.
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { parseConfig, type BrokerConfig } from '../../lambda/core/config';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

/** An app with cdk.json's feature flags, so tests synthesize what `cdk synth` does. */
export function newApp(): App {
  return new App({ context: cdkJson.context });
}

/** An environment-agnostic stack, as bin/app.ts creates. */
export function newStack(id = 'TestStack'): Stack {
  return new Stack(newApp(), id);
}

export const ISSUER = {
  issuer: 'https://idp.example.com/',
  jwksUri: 'https://idp.example.com/.well-known/jwks.json',
  audience: 'kvs-session-broker',
};

/** A valid config: one exact stream and one prefix, CORS for one origin, non-default API settings. */
export function testConfig(overrides: Record<string, unknown> = {}): BrokerConfig {
  return parseConfig({
    issuers: [ISSUER],
    streams: ['cam-1', 'site7-*'],
    cors: { allowOrigins: ['https://app.example.com'] },
    api: { authorizerCacheTtlSeconds: 120, throttlingRateLimit: 20, throttlingBurstLimit: 40 },
    ...overrides,
  });
}

/** Renders CloudFormation intrinsics as readable strings: `{"Fn::Join"}` joined, `{"Ref": X}` as `${X}`. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Ref' in v) return `\${${String(v.Ref)}}`;
    if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(render).join(sep);
    }
  }
  return JSON.stringify(value);
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
