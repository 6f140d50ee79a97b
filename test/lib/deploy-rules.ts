// What CloudFormation, CloudWatch, Lambda, IAM and API Gateway refuse (or get wrong) at deploy time and a synth
// does not: each rule a pure check over a synthesized template, returning one line per violation. Used on our
// own templates (test/lib/deploy-rules.test.ts) and on the template a consumer app synthesizes
// (test/consumer/consumer.test.ts).

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
}
export interface TemplateJson {
  Resources: Record<string, Resource>;
}

export interface DeployRule {
  /** What AWS refuses, and where that is documented. */
  readonly name: string;
  readonly check: (template: TemplateJson) => string[];
}

/** Intrinsics rendered at their longest real value, so sizes are what AWS will count after resolution. */
const LONGEST = {
  'AWS::Partition': 'aws-iso-b', // 9 characters; aws-us-gov has 10
  'AWS::Region': 'ap-southeast-5',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::StackName': 'x'.repeat(128),
} as Record<string, string>;

/** Whether every method integrating this function streams its response (`ResponseTransferMode: STREAM`). */
function onlyStreamed(t: TemplateJson, functionId: string): boolean {
  const integrations = resources(t, 'AWS::ApiGateway::Method')
    .map(([, p]) => p.Integration as Json | undefined)
    .filter((i) => JSON.stringify(i?.Uri ?? '').includes(`"${functionId}"`));
  return integrations.length > 0 && integrations.every((i) => i!.ResponseTransferMode === 'STREAM');
}

/** A template value as AWS sees it once deployed: intrinsics replaced by a worst-case string. */
export function resolveWorstCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveWorstCase);
  if (value && typeof value === 'object') {
    const v = value as Json;
    if ('Ref' in v) return LONGEST[String(v.Ref)] ?? 'x'.repeat(64);
    if ('Fn::GetAtt' in v) return 'arn:aws-us-gov:service:ap-southeast-5:123456789012:' + 'x'.repeat(64);
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return (resolveWorstCase(parts) as unknown[]).map(String).join(sep);
    }
    if ('Fn::Sub' in v) return String(v['Fn::Sub']);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveWorstCase(x)]));
  }
  return value;
}

function resources(template: TemplateJson, type: string): [string, Json][] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}

const isInsightsQuery = (q: Json) => typeof q.Expression === 'string' && /^\s*SELECT\s/i.test(q.Expression);

/** The rate-based statements of a web ACL's rules. */
const rateStatements = (acl: Json): Json[] =>
  ((acl.Rules as Json[] | undefined) ?? [])
    .map((r) => (r.Statement as Json | undefined)?.RateBasedStatement as Json | undefined)
    .filter((rate): rate is Json => rate !== undefined);

const customResponse = (rule: Json): Json | undefined =>
  ((rule.Action as Json | undefined)?.Block as Json | undefined)?.CustomResponse as Json | undefined;

/** A custom key that is a header with a bad name or no text transformation. */
const badHeaderKey = (key: Json): boolean => {
  const header = key.Header as Json | undefined;
  if (!header) return false;
  const name = String(header.Name ?? '');
  const transforms = (header.TextTransformations as Json[] | undefined) ?? [];
  return name.length < 1 || name.length > 64 || !/\S/.test(name) || transforms.length < 1;
};

export const DEPLOY_RULES: readonly DeployRule[] = [
  {
    name: 'CloudWatch: an alarm has at most one Metrics Insights query (Metrics Insights quotas: "Each GetMetricData operation can have only one query")',
    check: (t) =>
      resources(t, 'AWS::CloudWatch::Alarm')
        .filter(([, p]) => ((p.Metrics as Json[] | undefined) ?? []).filter(isInsightsQuery).length > 1)
        .map(
          ([id, p]) =>
            `${id}: ${(p.Metrics as Json[]).filter(isInsightsQuery).length} Metrics Insights queries`,
        ),
  },
  {
    name: 'CloudWatch: a metric math alarm references at most 10 metrics and 20 queries (alarm limits; PutMetricAlarm Metrics)',
    check: (t) =>
      resources(t, 'AWS::CloudWatch::Alarm').flatMap(([id, p]) => {
        const metrics = (p.Metrics as Json[] | undefined) ?? [];
        const stats = metrics.filter((m) => 'MetricStat' in m).length;
        return stats > 10 || metrics.length > 20
          ? [`${id}: ${stats} metrics, ${metrics.length} queries`]
          : [];
      }),
  },
  {
    name: 'CloudWatch: a Metrics Insights alarm evaluates at most the latest 3 hours (alarm limits: "Only the latest 3 hours of data can be used")',
    check: (t) =>
      resources(t, 'AWS::CloudWatch::Alarm').flatMap(([id, p]) => {
        const queries = ((p.Metrics as Json[] | undefined) ?? []).filter(isInsightsQuery);
        const span = Math.max(0, ...queries.map((q) => Number(q.Period))) * Number(p.EvaluationPeriods ?? 1);
        return span > 3 * 3600 ? [`${id}: evaluates ${span} s`] : [];
      }),
  },
  {
    name: 'CloudWatch: a metric query expression has at most 2048 characters (MetricDataQuery Expression)',
    check: (t) =>
      resources(t, 'AWS::CloudWatch::Alarm').flatMap(([id, p]) =>
        ((p.Metrics as Json[] | undefined) ?? [])
          .filter((q) => String(q.Expression ?? '').length > 2048)
          .map((q) => `${id}: expression ${String(q.Id)} has ${String(q.Expression).length} characters`),
      ),
  },
  {
    name: 'CloudWatch: an alarm description has at most 1024 characters (PutMetricAlarm / PutCompositeAlarm AlarmDescription)',
    check: (t) =>
      [...resources(t, 'AWS::CloudWatch::Alarm'), ...resources(t, 'AWS::CloudWatch::CompositeAlarm')]
        .filter(([, p]) => String(p.AlarmDescription ?? '').length > 1024)
        .map(([id, p]) => `${id}: ${String(p.AlarmDescription).length} characters`),
  },
  {
    name: 'API Gateway: no AWS::ApiGateway::Account (one setting per account and region, shared by every REST API there)',
    check: (t) =>
      resources(t, 'AWS::ApiGateway::Account').map(([id]) => `${id}: sets the account-wide API Gateway role`),
  },
  {
    name: 'Lambda: a function environment has at most 4 KB of variables (Lambda quotas: "Function environment variables: 4 KB")',
    check: (t) =>
      resources(t, 'AWS::Lambda::Function').flatMap(([id, p]) => {
        const vars = ((p.Environment as Json | undefined)?.Variables ?? {}) as Json;
        const bytes = Object.entries(resolveWorstCase(vars) as Json).reduce(
          (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(String(v)),
          0,
        );
        return bytes > 4096 ? [`${id}: ${bytes} bytes of environment`] : [];
      }),
  },
  {
    // A streamed integration may last 15 minutes ("Stream the integration response for your proxy integrations").
    name: 'API Gateway: every function behind the REST API ends within the 29 s integration timeout (API Gateway quotas: "Integration timeout 50 ms - 29 s"), or 15 min behind only STREAM integrations',
    check: (t) => [
      ...resources(t, 'AWS::Lambda::Function')
        .filter(([id, p]) => Number(p.Timeout ?? 3) >= (onlyStreamed(t, id) ? 900 : 29))
        .map(([id, p]) => `${id}: Timeout ${String(p.Timeout)} s`),
      ...resources(t, 'AWS::ApiGateway::Method')
        .filter(([, p]) => {
          const integration = p.Integration as Json | undefined;
          const limit = integration?.ResponseTransferMode === 'STREAM' ? 900_000 : 29_000;
          return Number(integration?.TimeoutInMillis ?? 29_000) > limit;
        })
        .map(([id]) => `${id}: integration timeout over its limit (29 s; 15 min streamed)`),
    ],
  },
  {
    name: "IAM: a role's inline policies total at most 10,240 characters, whitespace excluded (IAM quotas: role policy size)",
    check: (t) => {
      const chars = new Map<string, number>();
      const add = (role: string, doc: unknown) =>
        chars.set(
          role,
          (chars.get(role) ?? 0) + JSON.stringify(resolveWorstCase(doc)).replace(/\s/g, '').length,
        );
      for (const [id, p] of resources(t, 'AWS::IAM::Role')) {
        for (const policy of (p.Policies as Json[] | undefined) ?? []) add(id, policy.PolicyDocument);
      }
      for (const [, p] of resources(t, 'AWS::IAM::Policy')) {
        for (const role of (p.Roles as Json[] | undefined) ?? []) add(String(role.Ref), p.PolicyDocument);
      }
      return [...chars]
        .filter(([, n]) => n > 10_240)
        .map(([id, n]) => `${id}: ${n} characters of inline policy`);
    },
  },
  {
    name: 'Lambda: a function description has at most 256 characters (CreateFunction Description)',
    check: (t) =>
      resources(t, 'AWS::Lambda::Function')
        .filter(([, p]) => String(p.Description ?? '').length > 256)
        .map(([id]) => `${id}: description too long`),
  },
  {
    name: 'API Gateway: an authorizer result TTL is at most 3600 s (AuthorizerResultTtlInSeconds)',
    check: (t) =>
      resources(t, 'AWS::ApiGateway::Authorizer')
        .filter(([, p]) => Number(p.AuthorizerResultTtlInSeconds ?? 300) > 3600)
        .map(([id]) => `${id}: TTL over 3600 s`),
  },
  {
    name: 'CloudWatch Logs: a saved query has a name of at most 255 characters and a query of at most 10,000 (PutQueryDefinition Name, QueryString)',
    check: (t) =>
      resources(t, 'AWS::Logs::QueryDefinition')
        .filter(([, p]) => {
          const name = String(resolveWorstCase(p.Name));
          const query = String(resolveWorstCase(p.QueryString));
          return name.length < 1 || name.length > 255 || query.length < 1 || query.length > 10_000;
        })
        .map(([id]) => `${id}: name or query string too long`),
  },
  {
    name: 'WAF: a rate-based rule looks back 60, 120, 300 or 600 s and limits to at least 10 requests (AWS WAF developer guide, "Rate-based rule high-level settings")',
    check: (t) =>
      resources(t, 'AWS::WAFv2::WebACL').flatMap(([id, p]) =>
        rateStatements(p)
          .filter(
            (rate) =>
              ![60, 120, 300, 600].includes(Number(rate.EvaluationWindowSec ?? 300)) ||
              Number(rate.Limit) < 10,
          )
          .map(() => `${id}: rate-based rule outside WAF's settings`),
      ),
  },
  {
    name: 'WAF: a CUSTOM_KEYS rate-based rule has 1 to 5 custom keys, and only it has any; a header key is named in 1..64 characters with at least one text transformation (AWS WAF API reference, RateBasedStatement CustomKeys and RateLimitHeader)',
    check: (t) =>
      resources(t, 'AWS::WAFv2::WebACL').flatMap(([id, p]) =>
        rateStatements(p)
          .filter((rate) => {
            const keys = (rate.CustomKeys as Json[] | undefined) ?? [];
            if (rate.AggregateKeyType !== 'CUSTOM_KEYS') return keys.length > 0;
            return keys.length < 1 || keys.length > 5 || keys.some(badHeaderKey);
          })
          .map(() => `${id}: rate-based rule with bad custom keys`),
      ),
  },
  {
    name: 'WAF: rule names and priorities are unique within a web ACL (AWS WAF API reference, Rule: "Priority ... must be unique", Name unique within the web ACL)',
    check: (t) =>
      resources(t, 'AWS::WAFv2::WebACL').flatMap(([id, p]) => {
        const rules = (p.Rules as Json[] | undefined) ?? [];
        const names = new Set(rules.map((r) => r.Name));
        const priorities = new Set(rules.map((r) => r.Priority));
        return names.size < rules.length || priorities.size < rules.length
          ? [`${id}: ${rules.length} rules, ${names.size} names, ${priorities.size} priorities`]
          : [];
      }),
  },
  {
    name: 'WAF: every custom response names a body the web ACL defines (CustomResponse CustomResponseBodyKey; CustomResponseBodies keys [\\w-]+)',
    check: (t) =>
      resources(t, 'AWS::WAFv2::WebACL').flatMap(([id, p]) => {
        const bodies = (p.CustomResponseBodies as Json | undefined) ?? {};
        const badBodyKeys = Object.keys(bodies).filter((k) => !/^[\w-]{1,128}$/.test(k));
        const missing = ((p.Rules as Json[] | undefined) ?? [])
          .map((r) => customResponse(r)?.CustomResponseBodyKey)
          .filter((k): k is string => typeof k === 'string' && !(k in bodies));
        return [...badBodyKeys, ...missing].map((k) => `${id}: response body key ${k}`);
      }),
  },
  {
    name: 'WAF: custom response headers are not content-type, are named [a-zA-Z0-9._$-], at most 64 and 255 characters (CustomHTTPHeader; custom responses for Block actions)',
    check: (t) =>
      resources(t, 'AWS::WAFv2::WebACL').flatMap(([id, p]) =>
        ((p.Rules as Json[] | undefined) ?? [])
          .flatMap(
            (r) =>
              ((
                ((r.Action as Json | undefined)?.Block as Json | undefined)?.CustomResponse as
                  Json | undefined
              )?.ResponseHeaders as Json[] | undefined) ?? [],
          )
          .filter(
            (h) =>
              String(h.Name).toLowerCase() === 'content-type' ||
              !/^[a-zA-Z0-9._$-]{1,64}$/.test(String(h.Name)) ||
              String(h.Value).length > 255,
          )
          .map((h) => `${id}: response header ${String(h.Name)}`),
      ),
  },
  {
    name: 'WAF: a resource is associated with at most one web ACL (AWS WAF developer guide, associating a web ACL: "each API Gateway API ... can be associated with only one web ACL")',
    check: (t) => {
      const seen = new Map<string, string>();
      return resources(t, 'AWS::WAFv2::WebACLAssociation').flatMap(([id, p]) => {
        const key = JSON.stringify(p.ResourceArn);
        const first = seen.get(key);
        seen.set(key, id);
        return first ? [`${first} and ${id} on one resource`] : [];
      });
    },
  },
  {
    name: 'CloudFormation: a stack has at most 500 resources (CloudFormation quotas)',
    check: (t) => {
      const n = Object.keys(t.Resources).length;
      return n > 500 ? [`${n} resources`] : [];
    },
  },
];

/** Every violation of every rule, prefixed by the rule's name. */
export function deployRuleViolations(template: TemplateJson): string[] {
  return DEPLOY_RULES.flatMap((rule) => rule.check(template).map((v) => `${rule.name}: ${v}`));
}
