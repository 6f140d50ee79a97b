// What playback costs and who caused it: KVS bytes per stream beside the sessions we issued, plus health alarms.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import type { KvsSessionBroker } from './kvs-session-broker';
import { KvsSavedQueries } from './saved-queries';
import { archiveUsageWidgets } from './usage-dashboard-archive';
import {
  KVS_USAGE_DASHBOARD_DEFAULTS,
  validateKvsUsageDashboardProps,
  type KvsUsageDashboardProps,
} from './usage-dashboard-props';

export * from './usage-dashboard-props';
import { createUsageAlarms, type KvsUsageAlarms } from './usage-alarms';

export { ALARM_DESCRIPTION_MAX_CHARS, type KvsUsageAlarms } from './usage-alarms';
import { ERROR_CODE_DIMENSION, SESSIONS_DENIED, SESSIONS_ISSUED } from './telemetry';
import {
  AUDIT_QUERIES,
  SAVED_QUERIES,
  KVS_NAMESPACE,
  KVS_PLAYBACK_BYTE_METRICS,
  KVS_STREAM_DIMENSION,
  brokerMetricSearch,
  isExactStream,
  kvsBytesSearch,
  renderQuery,
  sessionsIssuedSearch,
} from './usage-metrics';

/**
 * A CloudWatch dashboard of KVS playback bytes per stream (billed per stream, not per session) beside
 * the sessions the broker issued, with alarms on usage, errors and throttling.
 */
export class KvsUsageDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: KvsUsageAlarms;
  /** Saved Logs Insights queries over the audit lines and the access log. */
  readonly savedQueries: KvsSavedQueries;

  private readonly periodSeconds: number;
  private readonly perStreamSessions: boolean;

  constructor(scope: Construct, id: string, props: KvsUsageDashboardProps) {
    super(scope, id);
    validateKvsUsageDashboardProps(props);
    const period = props.period ?? KVS_USAGE_DASHBOARD_DEFAULTS.period;
    this.periodSeconds = period.toSeconds();
    const { broker } = props;
    const streams = broker.config.streams;
    this.perStreamSessions = broker.config.metrics.perStreamDimensions;
    this.savedQueries = new KvsSavedQueries(this, 'Queries', {
      broker,
      ...(props.savedQueriesFolder ? { folder: props.savedQueriesFolder } : {}),
    });

    const defaults = KVS_USAGE_DASHBOARD_DEFAULTS;
    this.alarms = createUsageAlarms(this, {
      broker: props.broker,
      period,
      outgoingBytesThreshold: props.outgoingBytesThreshold ?? defaults.outgoingBytesThreshold,
      outgoingBytesPeriod: props.outgoingBytesPeriod ?? defaults.outgoingBytesPeriod,
      throttledSessionsThreshold: props.throttledSessionsThreshold ?? defaults.throttledSessionsThreshold,
      lambdaErrorsThreshold: props.lambdaErrorsThreshold ?? defaults.lambdaErrorsThreshold,
      serverErrorsThreshold: props.serverErrorsThreshold ?? defaults.serverErrorsThreshold,
    });
    if (props.alarmTopic) {
      const action = new actions.SnsAction(props.alarmTopic);
      const { outgoingBytesByMetric: _perMetric, ...notifying } = this.alarms;
      for (const alarm of Object.values(notifying)) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        width: 24,
        height: 2,
        markdown:
          '## KVS playback usage\n' +
          'KVS meters playback bytes per stream (`GetMP4MediaFragment`, `GetTSFragment`, `GetClip` `.OutgoingBytes`), not per session: ' +
          'read them beside the sessions the broker issued. Per-principal attribution is in the audit lines: see the Logs Insights tables below.',
      }),
    );
    this.dashboard.addWidgets(this.totalsWidget(), this.decisionsWidget());
    this.dashboard.addWidgets(...streams.map((pattern) => this.streamWidget(pattern)));
    this.dashboard.addWidgets(...this.auditWidgets(broker));
    this.dashboard.addWidgets(...this.archiveWidgets(props));
    this.dashboard.addWidgets(...this.healthWidgets(broker));
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        width: 24,
        alarms: [
          ...Object.values(this.alarms).filter((a): a is cloudwatch.IAlarm => 'alarmArn' in a),
          ...Object.values(this.alarms.outgoingBytesByMetric),
        ],
      }),
    );
  }

  private expression(expression: string, label: string, period = Duration.seconds(this.periodSeconds)) {
    return new cloudwatch.MathExpression({ expression, label, period, usingMetrics: {} });
  }

  /** Account-wide totals: what the bill is made of. */
  private totalsWidget(): cloudwatch.IWidget {
    return new cloudwatch.GraphWidget({
      title: 'Playback bytes, all streams (account and region) / sessions issued',
      width: 12,
      left: KVS_PLAYBACK_BYTE_METRICS.map((metric) =>
        this.expression(`SUM(${kvsBytesSearch(metric, '*', this.periodSeconds)})`, metric),
      ),
      right: [this.expression(`SUM(${sessionsIssuedSearch('*', this.periodSeconds)})`, SESSIONS_ISSUED)],
      leftYAxis: { label: 'bytes', min: 0, showUnits: false },
      rightYAxis: { label: 'sessions', min: 0, showUnits: false },
    });
  }

  private decisionsWidget(): cloudwatch.IWidget {
    return new cloudwatch.GraphWidget({
      title: 'Sessions denied by error code',
      width: 12,
      left: [
        this.expression(brokerMetricSearch(SESSIONS_DENIED, ERROR_CODE_DIMENSION, this.periodSeconds), ''),
      ],
      leftYAxis: { min: 0, showUnits: false },
    });
  }

  /** One stream (exact name: plain metrics) or one pattern (SEARCH: one series per matching stream). */
  private streamWidget(pattern: string): cloudwatch.IWidget {
    const period = Duration.seconds(this.periodSeconds);
    // cloudwatch.Metric refuses dimension values over 255 characters at synth; a KVS stream name may have
    // 256. Such a name is selected by SEARCH on its exact value instead.
    const plainMetric = isExactStream(pattern) && pattern.length <= 255;
    const exact = isExactStream(pattern);
    const bytes: cloudwatch.IMetric[] = KVS_PLAYBACK_BYTE_METRICS.map((metric) =>
      plainMetric
        ? new cloudwatch.Metric({
            namespace: KVS_NAMESPACE,
            metricName: metric,
            dimensionsMap: { [KVS_STREAM_DIMENSION]: pattern },
            statistic: cloudwatch.Stats.SUM,
            period,
            label: metric,
          })
        : this.expression(kvsBytesSearch(metric, pattern, this.periodSeconds), ''),
    );
    // Sessions per stream need the StreamName dimension (metrics.perStreamDimensions); without it they are read
    // from the audit lines (the "top streams" table).
    const sessions = this.perStreamSessions
      ? [this.expression(sessionsIssuedSearch(pattern, this.periodSeconds), exact ? SESSIONS_ISSUED : '')]
      : [];
    return new cloudwatch.GraphWidget({
      title: exact
        ? `Stream ${pattern}`
        : `Streams ${pattern} (SEARCH: may include other streams sharing its words)`,
      width: 8,
      left: bytes,
      right: sessions,
      leftYAxis: { label: 'bytes', min: 0, showUnits: false },
      rightYAxis: { label: 'sessions', min: 0, showUnits: false },
    });
  }

  /** Logs Insights over the audit lines: who was granted or refused what (README (Observability and audit)). */
  private auditWidgets(broker: KvsSessionBroker): cloudwatch.IWidget[] {
    const functionLogs = Object.values(broker.logGroups.functions).map((g) => g.logGroupName);
    const lambdaLogs = [...functionLogs, broker.logGroups.authorizer.logGroupName];
    return [
      new cloudwatch.LogQueryWidget({
        title: 'Audit: decisions by outcome and error code',
        width: 8,
        height: 8,
        logGroupNames: lambdaLogs,
        queryLines: [...AUDIT_QUERIES.decisions],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
      }),
      new cloudwatch.LogQueryWidget({
        title: 'Audit: sessions per principal and stream',
        width: 8,
        height: 8,
        logGroupNames: lambdaLogs,
        queryLines: [...AUDIT_QUERIES.sessionsByPrincipal],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
      }),
      new cloudwatch.LogQueryWidget({
        title: 'Audit: API error answers per principal (access log; 403 ACCESS_DENIED from cached policies)',
        width: 8,
        height: 8,
        logGroupNames: [broker.logGroups.access.logGroupName],
        queryLines: [...AUDIT_QUERIES.gatewayErrors],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
      }),
      new cloudwatch.LogQueryWidget({
        title: 'Audit: top streams by sessions granted',
        width: 24,
        height: 6,
        logGroupNames: functionLogs,
        queryString: renderQuery(SAVED_QUERIES['top-streams-by-sessions']!.query).replace(/ \| /g, '\n| '),
        view: cloudwatch.LogQueryVisualizationType.TABLE,
      }),
    ];
  }

  /** Clips and images of the archive routes, with their cost lines (lib/usage-dashboard-archive.ts). */
  private archiveWidgets(props: KvsUsageDashboardProps): cloudwatch.IWidget[] {
    return archiveUsageWidgets({
      periodSeconds: this.periodSeconds,
      streams: props.broker.config.streams,
      logGroupNames: Object.values(props.broker.logGroups.functions).map((g) => g.logGroupName),
      pricePerGb: props.pricePerGb ?? KVS_USAGE_DASHBOARD_DEFAULTS.pricePerGb,
      pricePer1000Images: props.pricePer1000Images,
    });
  }

  private healthWidgets(broker: KvsSessionBroker): cloudwatch.IWidget[] {
    const period = Duration.seconds(this.periodSeconds);
    const sum = { period, statistic: cloudwatch.Stats.SUM };
    const p99 = { period, statistic: cloudwatch.Stats.p(99) };
    const lambdaWidget = (title: string, fn: KvsSessionBroker['brokerFunction']) =>
      new cloudwatch.GraphWidget({
        title,
        width: 8,
        left: [fn.metricInvocations(sum), fn.metricErrors(sum), fn.metricThrottles(sum)],
        right: [fn.metricDuration(p99)],
        leftYAxis: { min: 0, showUnits: false },
      });
    return [
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        width: 8,
        left: [
          broker.api.metricCount(sum),
          broker.api.metricClientError(sum),
          broker.api.metricServerError(sum),
        ],
        right: [broker.api.metricLatency(p99)],
        leftYAxis: { min: 0, showUnits: false },
      }),
      lambdaWidget('Broker Lambda', broker.brokerFunction),
      lambdaWidget('Authorizer Lambda', broker.authorizerFunction),
      lambdaWidget('Archive Lambda (timeline, images)', broker.functions.archive),
      lambdaWidget('Clip Lambda (streamed)', broker.functions.clip),
      lambdaWidget('WebRTC Lambda', broker.functions.webrtc),
    ];
  }
}
