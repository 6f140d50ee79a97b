import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag-3';
import { KvsSessionBrokerStack } from '../lib/kvs-session-broker-stack';
import { testConfig } from './lib/fixtures';
const bad = process.argv[2] === 'bad';
const app = new App({ outdir: '/tmp/adx/out' });
new KvsSessionBrokerStack(app, 'S', { env: { account: '123456789012', region: 'eu-west-1' }, config: testConfig() });
if (bad) { const s = new Stack(app, 'Bad'); new iam.Role(s, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')] }); }
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
try { app.synth(); console.log('synth ok'); } catch (e) { console.log('THROW', (e as Error).message.slice(0, 500)); }
console.log('exitCode', process.exitCode);
