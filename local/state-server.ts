// The embedded DynamoDB of local mode (README (Local mode)): dynalite on loopback, speaking the DynamoDB protocol
// (conditional writes included) to the broker's real SDK client, with the viewer-state table created as the
// construct creates it (key `pk`, on demand). Items live in memory for the life of the process.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { TABLE_KEY } from '../lambda/core/state-table';

type Dynalite = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

/** The table name local mode uses (the construct lets CloudFormation name the deployed one). */
export const LOCAL_STATE_TABLE = 'kvs-session-broker-state';
/** Credentials the local SDK clients sign with; dynalite checks the signature's presence, not its key. */
export const LOCAL_STATE_CREDENTIALS = { accessKeyId: 'AKIDLOCALSTATE', secretAccessKey: 'local-state' };
export const LOCAL_STATE_REGION = 'us-east-1';

export interface StateServer {
  readonly endpoint: string;
  readonly tableName: string;
  close(): Promise<void>;
}

export async function startStateServer(host = '127.0.0.1'): Promise<StateServer> {
  // No CREATING phase: the table is ACTIVE as soon as CreateTable answers.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_STATE_REGION,
    credentials: LOCAL_STATE_CREDENTIALS,
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: LOCAL_STATE_TABLE,
        AttributeDefinitions: [{ AttributeName: TABLE_KEY, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: TABLE_KEY, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    tableName: LOCAL_STATE_TABLE,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
