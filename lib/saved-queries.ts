// Saved CloudWatch Logs Insights queries (AWS::Logs::QueryDefinition): the audit questions an operator asks, found
// in the console under Logs Insights > Saved queries, in one folder per stack.
import { Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { KvsSessionBroker } from './kvs-session-broker';
import { SAVED_QUERIES } from './usage-metrics';

export interface KvsSavedQueriesProps {
  readonly broker: KvsSessionBroker;
  /**
   * Folder of the saved queries in the console (a name's `/` makes folders).
   * @default `kvs-session-broker/${stackName}`
   */
  readonly folder?: string;
}

export class KvsSavedQueries extends Construct {
  /** The saved queries by name (SAVED_QUERIES' keys). */
  readonly queries: Readonly<Record<string, logs.QueryDefinition>>;

  constructor(scope: Construct, id: string, props: KvsSavedQueriesProps) {
    super(scope, id);
    const folder = props.folder ?? `kvs-session-broker/${Stack.of(this).stackName}`;
    const { logGroups } = props.broker;
    const sources = {
      lambdas: [...Object.values(logGroups.functions), logGroups.authorizer],
      access: [logGroups.access],
    };
    this.queries = Object.fromEntries(
      Object.entries(SAVED_QUERIES).map(([name, { source, query }]) => [
        name,
        new logs.QueryDefinition(this, name, {
          queryDefinitionName: `${folder}/${name}`,
          queryString: new logs.QueryString({
            filterStatements: [query.filter],
            statsStatements: [query.stats],
            ...(query.sort ? { sort: query.sort } : {}),
            ...(query.limit !== undefined ? { limit: query.limit } : {}),
          }),
          logGroups: sources[source],
        }),
      ]),
    );
  }
}
