#!/usr/bin/env node
// CDK app: reads and validates the broker configuration, creates the stack, checks it with cdk-nag.
// Config file: context `config` (cdk synth -c config=path), else env KVS_BROKER_CONFIG, else config/example.json.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, parseConfig, type BrokerConfig } from '../lambda/core/config';
import { KvsSessionBrokerStack } from '../lib/kvs-session-broker-stack';

const DEFAULT_CONFIG = 'config/example.json';

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

const app = new App();
const configPath = resolve(
  (app.node.tryGetContext('config') as string | undefined) ?? process.env.KVS_BROKER_CONFIG ?? DEFAULT_CONFIG,
);
const alarmTopicArn = app.node.tryGetContext('alarmTopicArn') as string | undefined;

new KvsSessionBrokerStack(app, 'KvsSessionBroker', {
  description: 'kvs-session-broker: short-lived Kinesis Video Streams playback URLs for JWT holders',
  config: loadConfig(configPath),
  alarmTopicArn,
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
