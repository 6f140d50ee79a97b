// The per-client-IP rate limit (SECURITY.md, Floods): a regional AWS WAF web ACL with one rate-based rule,
// aggregated by source IP, associated with the API stage. Its block answer is the contract's JSON 429 with Retry-After,
// from the same definition the local gateway answers with (lambda/contract/waf.ts).
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { rateLimitedResponse, type RateLimitSettings } from '../lambda/contract/waf';

const BODY_KEY = 'throttled';

export interface IpRateLimitProps {
  readonly stage: apigw.Stage;
  /**
   * Requests per address per evaluation window. AWS WAF developer guide, "Rate-based rule high-level settings":
   * windows of 60, 120, 300 or 600 s, a limit of at least 10, the rate checked about every 10 s (the config schema
   * enforces the first two).
   */
  readonly settings: RateLimitSettings;
  readonly allowOrigins: readonly string[];
  /** CloudWatch metric name prefix of the web ACL and its rule. */
  readonly metricName: string;
}

/**
 * A web ACL that allows by default and blocks an address over its rate with a custom response. Custom response
 * headers may be any name but content-type, which comes from the body's content type instead.
 */
export class IpRateLimit extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: IpRateLimitProps) {
    super(scope, id);
    const answer = rateLimitedResponse(props.settings, props.allowOrigins);
    const { 'Content-Type': _contentType, ...headers } = answer.headers;
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: name,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      // CloudFormation's pattern for a web ACL description allows no parentheses or quotes.
      description: 'kvs-session-broker per-client-IP rate limit, SECURITY.md',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.metricName),
      customResponseBodies: {
        [BODY_KEY]: { contentType: 'APPLICATION_JSON', content: answer.body },
      },
      rules: [
        {
          name: 'PerClientIpRateLimit',
          priority: 0,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.settings.limit,
              evaluationWindowSec: props.settings.windowSeconds,
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: answer.statusCode,
                customResponseBodyKey: BODY_KEY,
                responseHeaders: Object.entries(headers).map(([name, value]) => ({ name, value })),
              },
            },
          },
          visibilityConfig: visibility(`${props.metricName}-per-ip`),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
