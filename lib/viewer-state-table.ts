// The viewer-state table (docs/api.md, Revocation and Seats): revocations and seats, no token. Made only when the
// config asks for either; the broker alone may read and write it, item by item.
import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { STATE_TABLE_ENV } from '../lambda/runtime/env';
import { TABLE_KEY, TABLE_TTL_ATTRIBUTE } from '../lambda/core/state-table';

export interface ViewerStateTableProps {
  /** The broker function: it gets the table's name in its environment and item-level access to it. */
  readonly broker: lambda.Function;
  readonly brokerRole: iam.IRole;
  readonly pointInTimeRecovery: boolean;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The DataItem calls the broker makes (lambda/state/store.ts): GetItem (revocations, seats), UpdateItem (a
 * revocation), PutItem (seats). No Query, Scan, Delete or batch call: items leave through TTL.
 */
export const VIEWER_STATE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

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
    props.broker.addEnvironment(STATE_TABLE_ENV, this.table.tableName);
    props.brokerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [...VIEWER_STATE_ACTIONS], resources: [this.table.tableArn] }),
    );
  }
}
