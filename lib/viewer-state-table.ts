// The viewer-state table (docs/api.md, Revocation and Seats): revocations and seats, no token. Made only when the
// config asks for either; the broker functions alone reach it, item by item, each only with the calls it makes.
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ROUTES, SEAT_LAMBDAS, type RouteLambda } from '../lambda/contract/routes';
import type { BrokerConfig } from '../lambda/core/config';
import { revocableIssuers } from '../lambda/core/config-rules';
import { STATE_TABLE_ENV } from '../lambda/runtime/env';
import { TABLE_KEY, TABLE_TTL_ATTRIBUTE } from '../lambda/core/state-table';

/** A function that reaches the table: it gets the table's name in its environment and its calls on the table. */
export interface ViewerStateUser {
  readonly lambda: RouteLambda;
  /** Its calls on the table (viewerStateActions). */
  readonly actions: readonly string[];
  readonly function: lambda.Function;
  readonly role: iam.IRole;
}

export interface ViewerStateTableProps {
  /** The broker functions. */
  readonly users: readonly ViewerStateUser[];
  readonly pointInTimeRecovery: boolean;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The DataItem calls the broker makes (lambda/state/store.ts): GetItem (revocations, seats), UpdateItem (a
 * revocation), PutItem (seats). No Query, Scan, Delete or batch call: items leave through TTL.
 */
export const VIEWER_STATE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

/**
 * The calls a function makes on the table under this config, none when it never reaches it: with an issuer that
 * can revoke (adminScope), every token route checks revocation (GetItem) and POST /v1/revocations, on the broker,
 * writes one (UpdateItem); with seats, the SEAT_LAMBDAS' routes (sessions, grids, WebRTC viewers) read and write
 * them (GetItem, a conditional PutItem).
 */
export function viewerStateActions(
  lambda: RouteLambda,
  config: Pick<BrokerConfig, 'issuers' | 'viewers'>,
): (typeof VIEWER_STATE_ACTIONS)[number][] {
  const revocable = revocableIssuers(config);
  const seats = config.viewers.seatsPerPrincipal !== undefined && SEAT_LAMBDAS.includes(lambda);
  return VIEWER_STATE_ACTIONS.filter((action) =>
    action === 'dynamodb:GetItem'
      ? revocable || seats
      : action === 'dynamodb:PutItem'
        ? seats
        : revocable && lambda === REVOCATION_LAMBDA,
  );
}

/** Whether a function reaches the table under this config. */
export function usesViewerState(
  lambda: RouteLambda,
  config: Pick<BrokerConfig, 'issuers' | 'viewers'>,
): boolean {
  return viewerStateActions(lambda, config).length > 0;
}

/** The function that serves POST /v1/revocations, the only one that writes a revocation. */
const REVOCATION_LAMBDA = ROUTES.find((r) => r.operationId === 'createRevocation')!.lambda;

export class ViewerStateTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: ViewerStateTableProps) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEY, type: dynamodb.AttributeType.STRING },
      // On demand: a few reads per viewer and 5 s, spiky; nothing to provision or scale.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Every item carries it: a revocation once no token it matches can pass, seats once their sessions end.
      timeToLiveAttribute: TABLE_TTL_ATTRIBUTE,
      // A KMS key in the account (aws/dynamodb), so that key use shows in CloudTrail.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: props.pointInTimeRecovery },
      removalPolicy: props.removalPolicy,
    });
    for (const user of props.users) {
      user.function.addEnvironment(STATE_TABLE_ENV, this.table.tableName);
      user.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [...user.actions],
          resources: [this.table.tableArn],
        }),
      );
    }
  }
}
