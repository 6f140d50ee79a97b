// The deployed API's rate limits (SECURITY.md, Floods; README, Limits and cost): a regional AWS WAF web ACL on the
// API stage with one rate-based rule per limit the config turns on: per client IP (a flood guard) and per bearer
// token (keyed on the `Authorization` header). Each blocks with the contract's JSON 429 and Retry-After, from the
// same table the local gateway answers with (lambda/contract/waf.ts).
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import {
  activeRateLimits,
  rateLimitedResponse,
  TOKEN_KEY_HEADER,
  type RateLimitConfig,
  type RateLimitRule,
  type RateLimitSettings,
} from '../lambda/contract/waf';

export interface RateLimitWebAclProps {
  readonly stage: apigw.Stage;
  /**
   * Requests per key per evaluation window, for each rule (`false`: no such rule; at least one must be on). AWS WAF
   * developer guide, "Rate-based rule high-level settings": windows of 60, 120, 300 or 600 s and a limit of at least
   * 10 (the config schema enforces both); WAF checks the rate frequently but not exactly, so a client may exceed the
   * limit briefly before it is blocked.
   */
  readonly limits: RateLimitConfig;
  readonly allowOrigins: readonly string[];
  /** CloudWatch metric name prefix of the web ACL and its rules. */
  readonly metricName: string;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/**
 * What the rule counts by. Per token: the `Authorization` header's exact value (text transformation NONE), the one
 * custom key (AWS WAF API reference, RateLimitHeader: a single header key fully defines the aggregation instance).
 */
function rateBasedStatement(
  rule: RateLimitRule,
  settings: RateLimitSettings,
): wafv2.CfnWebACL.RateBasedStatementProperty {
  const window = { limit: settings.limit, evaluationWindowSec: settings.windowSeconds };
  if (rule.key === 'ip') return { ...window, aggregateKeyType: 'IP' };
  return {
    ...window,
    aggregateKeyType: 'CUSTOM_KEYS',
    customKeys: [
      { header: { name: TOKEN_KEY_HEADER, textTransformations: [{ priority: 0, type: 'NONE' }] } },
    ],
  };
}

/**
 * A web ACL that allows by default and blocks a key over its rate with a custom response. Custom response headers
 * may be any name but content-type, which comes from the body's content type instead.
 */
export class RateLimitWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: RateLimitWebAclProps) {
    super(scope, id);
    const active = activeRateLimits(props.limits);
    const bodies: Record<string, wafv2.CfnWebACL.CustomResponseBodyProperty> = {};
    const rules = active.map(({ rule, settings }, priority): wafv2.CfnWebACL.RuleProperty => {
      const answer = rateLimitedResponse(rule, settings, props.allowOrigins);
      const { 'Content-Type': _contentType, ...headers } = answer.headers;
      bodies[rule.bodyKey] = { contentType: 'APPLICATION_JSON', content: answer.body };
      return {
        name: rule.ruleName,
        priority,
        statement: { rateBasedStatement: rateBasedStatement(rule, settings) },
        action: {
          block: {
            customResponse: {
              responseCode: answer.statusCode,
              customResponseBodyKey: rule.bodyKey,
              responseHeaders: Object.entries(headers).map(([name, value]) => ({ name, value })),
            },
          },
        },
        visibilityConfig: visibility(`${props.metricName}-${rule.metricSuffix}`),
      };
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      // CloudFormation's pattern for a web ACL description allows no parentheses or quotes.
      description: 'kvs-session-broker rate limits per bearer token and per client IP, SECURITY.md',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.metricName),
      customResponseBodies: bodies,
      rules,
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
