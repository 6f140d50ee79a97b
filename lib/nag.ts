// cdk-nag findings the constructs accept by design, each with its reason, written so that both cdk-nag majors read
// them without this package importing cdk-nag (an optional peer dependency): cdk-nag 2 (an Aspect) reads the
// `cdk_nag` resource metadata its NagSuppressions would write (cdk-nag README, "Suppressing a rule"); cdk-nag 3 (a
// policy-validation plugin) reads CDK's own acknowledgements, `Validations.of(construct).acknowledge()`, one per
// finding as `RuleId[FindingId]` (cdk-nag 3 README, "Acknowledging a Rule"). README "Use it in your own CDK app".
import { Buffer } from 'node:buffer';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One accepted rule: all its findings on the construct, or only the listed ones (`Resource::*`, ...). */
export interface NagAcceptance {
  /** The rule id, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the construct accepts it: shown in reports and written into the template's metadata. */
  readonly reason: string;
  /** The findings accepted (cdk-nag's FindingId), when the rule reports several per resource. */
  readonly findings?: readonly string[];
}

interface V2Rule {
  id: string;
  reason: string;
  applies_to?: string[];
  is_reason_encoded?: boolean;
}

/** cdk-nag 2's metadata form of one suppression (a reason beyond Latin-1 is base64, as NagSuppressions writes it). */
function v2Rule({ id, reason, findings }: NagAcceptance): V2Rule {
  const encoded = [...reason].some((c) => c.codePointAt(0)! > 255);
  return {
    reason: encoded ? Buffer.from(reason).toString('base64') : reason,
    id,
    ...(findings ? { applies_to: [...findings] } : {}),
    ...(encoded ? { is_reason_encoded: true } : {}),
  };
}

/**
 * Accepts the findings on `scope` and every resource below it, for cdk-nag 2 and cdk-nag 3 alike. A reason shorter
 * than 10 characters is refused (cdk-nag 2 refuses one too).
 */
export function acceptNagFindings(scope: IConstruct, acceptances: readonly NagAcceptance[]): void {
  for (const a of acceptances) {
    if (a.reason.trim().length < 10) throw new Error(`${a.id}: a nag acceptance needs a reason`);
  }
  const rules = acceptances.map(v2Rule);
  for (const resource of scope.node.findAll().filter(CfnResource.isCfnResource)) {
    const existing = (resource.getMetadata('cdk_nag') as { rules_to_suppress?: V2Rule[] } | undefined)
      ?.rules_to_suppress;
    const merged = [...new Set([...(existing ?? []), ...rules].map((r) => JSON.stringify(r)))];
    resource.addMetadata('cdk_nag', { rules_to_suppress: merged.map((r) => JSON.parse(r) as V2Rule) });
  }
  Validations.of(scope).acknowledge(
    ...acceptances.flatMap(({ id, reason, findings }) =>
      findings ? findings.map((f) => ({ id: `${id}[${f}]`, reason })) : [{ id, reason }],
    ),
  );
}

/**
 * A CloudFormation value as cdk-nag names it in a FindingId: resolved, `Fn::Join` joined, `Ref` and `Fn::GetAtt`
 * as `<...>` (cdk-nag's flattenCfnReference). With an explicit stack `env` the region and account are literal;
 * without one they are `<AWS::Region>` and `<AWS::AccountId>`.
 */
export function nagFindingValue(scope: IConstruct, value: unknown): string {
  const visit = (node: unknown): string => {
    if (node === undefined) return '';
    if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
    const n = node as Record<string, unknown>;
    if (Array.isArray(n['Fn::Join'])) {
      const [delimiter, items] = n['Fn::Join'] as [string, unknown[]];
      return items.map(visit).join(delimiter);
    }
    if (n['Fn::Sub'] !== undefined) return visit(n['Fn::Sub']);
    if (Array.isArray(n['Fn::GetAtt'])) {
      const [resource, attribute] = n['Fn::GetAtt'] as [unknown, unknown];
      return `<${visit(resource)}.${visit(attribute)}>`;
    }
    if (n['Fn::ImportValue'] !== undefined) return visit(n['Fn::ImportValue']);
    if (n.Ref !== undefined) return `<${visit(n.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}
