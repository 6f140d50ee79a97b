#!/usr/bin/env node
// CDK app: reads and validates the broker configuration, says which one it read, creates the stack, checks it
// with cdk-nag. Config file: context `config` (cdk deploy -c config=path), else env KVS_BROKER_CONFIG, else the
// example config/example.json, whose placeholder issuers CloudFormation refuses to deploy (see exampleIssuers).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, Aspects, CfnParameter, CfnRule, Fn, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, parseConfig, type BrokerConfig } from '../lambda/core/config';
import { KvsSessionBrokerStack } from '../lib/kvs-session-broker-stack';

const DEFAULT_CONFIG = 'config/example.json';

/** Host names reserved for documentation (RFC 2606): example.com, .net, .org and the .example top-level domain. */
const EXAMPLE_HOST = /(^|\.)(example\.(com|net|org)|example)$/i;

/** Issuers of the config that point at documentation hosts: no real token can come from them. */
export function exampleIssuers(config: BrokerConfig): string[] {
  return config.issuers
    .filter(({ issuer, jwksUri }) =>
      [issuer, jwksUri].some((u) => URL.canParse(u) && EXAMPLE_HOST.test(new URL(u).hostname)),
    )
    .map(({ issuer }) => issuer);
}

function fail(message: string): never {
  console.error(`kvs-session-broker: ${message}`);
  process.exit(1);
}

function loadConfig(path: string): BrokerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot read the configuration ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    fail(`the configuration ${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return parseConfig(document);
  } catch (error) {
    if (error instanceof ConfigError) fail(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * A CloudFormation rule that fails `cdk deploy` (CreateStack/UpdateStack validate rules before touching any
 * resource) unless the parameter AllowExampleConfig is `yes`. `cdk synth` still works, to look at the template.
 */
function refuseDeploy(stack: Stack, issuers: string[]): void {
  const allow = new CfnParameter(stack, 'AllowExampleConfig', {
    type: 'String',
    default: 'no',
    allowedValues: ['no', 'yes'],
    description:
      'This template was synthesized from a configuration with placeholder issuers: set to yes to deploy it anyway.',
  });
  new CfnRule(stack, 'RefuseExampleConfig', {
    assertions: [
      {
        assert: Fn.conditionEquals(allow.valueAsString, 'yes'),
        assertDescription:
          `The broker configuration names placeholder issuers (${issuers.join(', ')}): no real token can come from them. ` +
          'Synthesize with -c config=<your config.json>, or deploy with --parameters AllowExampleConfig=yes.',
      },
    ],
  });
}

const app = new App();
const fromContext = app.node.tryGetContext('config') as string | undefined;
const configPath = resolve(fromContext ?? process.env.KVS_BROKER_CONFIG ?? DEFAULT_CONFIG);
const source = fromContext
  ? '-c config'
  : process.env.KVS_BROKER_CONFIG
    ? 'KVS_BROKER_CONFIG'
    : 'the default';
const config = loadConfig(configPath);
console.error(
  `kvs-session-broker: configuration ${configPath} (${source}): ${config.issuers.length} issuer(s), streams ${config.streams.join(', ')}`,
);
const alarmTopicArn = app.node.tryGetContext('alarmTopicArn') as string | undefined;

const stack = new KvsSessionBrokerStack(app, 'KvsSessionBroker', {
  description: 'kvs-session-broker: short-lived Kinesis Video Streams playback URLs for JWT holders',
  config,
  alarmTopicArn,
});
const placeholders = exampleIssuers(config);
if (placeholders.length > 0 && String(app.node.tryGetContext('allowExampleConfig')) !== 'true') {
  console.error(
    `kvs-session-broker: issuers ${placeholders.join(', ')} are placeholders: cdk deploy will be refused. ` +
      'Pass -c config=<your config.json> (or -c allowExampleConfig=true to deploy them anyway).',
  );
  refuseDeploy(stack, placeholders);
}
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
