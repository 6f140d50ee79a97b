// An example use of the construct: the broker, its usage dashboard and alarms, and the outputs a client needs.
import { CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { BrokerConfigInput } from './broker-config-input';
import { KvsSessionBroker, type KvsSessionBrokerProps } from './kvs-session-broker';
import { KvsUsageDashboard, type KvsUsageDashboardProps } from './usage-dashboard';

export interface KvsSessionBrokerStackProps extends StackProps {
  /** The broker configuration (docs/configuration.md); fields with defaults may be left out. */
  readonly config: BrokerConfigInput;

  /**
   * Overrides of the broker construct's defaults.
   * @default - the construct's defaults
   */
  readonly broker?: Omit<KvsSessionBrokerProps, 'config'>;

  /**
   * Overrides of the dashboard's defaults.
   * @default - the dashboard's defaults
   */
  readonly dashboard?: Omit<KvsUsageDashboardProps, 'broker' | 'alarmTopic'>;

  /**
   * ARN of an existing SNS topic for alarm notifications (see KvsUsageDashboardProps.alarmTopic).
   * @default - alarms without actions
   */
  readonly alarmTopicArn?: string;
}

export class KvsSessionBrokerStack extends Stack {
  readonly broker: KvsSessionBroker;
  readonly usage: KvsUsageDashboard;

  constructor(scope: Construct, id: string, props: KvsSessionBrokerStackProps) {
    super(scope, id, props);
    this.broker = new KvsSessionBroker(this, 'Broker', { ...props.broker, config: props.config });
    this.usage = new KvsUsageDashboard(this, 'Usage', {
      ...props.dashboard,
      broker: this.broker,
      alarmTopic: props.alarmTopicArn
        ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)
        : undefined,
    });

    new CfnOutput(this, 'ApiUrl', {
      description:
        'Base URL of the broker API: POST {ApiUrl}v1/streams/{streamName}/sessions, GET {ApiUrl}v1/streams',
      value: this.broker.url,
    });
    // The usage report's --log-group arguments (npm run usage): the audit lines of every Lambda.
    new CfnOutput(this, 'AuditLogGroups', {
      description: 'Log groups of the audit lines: npm run usage -- --log-group <each>',
      value: Fn.join(',', [
        ...Object.values(this.broker.logGroups.functions).map((g) => g.logGroupName),
        this.broker.logGroups.authorizer.logGroupName,
      ]),
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of KVS playback bytes beside the sessions issued',
      value: this.usage.dashboard.dashboardName,
    });
  }
}
