// The viewer-state adapter: the only code that talks to DynamoDB. Revocation and seat items (lambda/core), each
// call under a per-attempt timeout and all of a request's calls under one deadline, retried like KVS calls
// (lambda/kvs/retry.ts); failures leave as STATE_UNAVAILABLE.
import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { STATE_BUDGET_MS } from '../core/config-rules';
import { BrokerError } from '../core/errors';
import type { RevocationRecord } from '../core/revocation';
import {
  releaseSeat,
  seatsExpiresAtS,
  seatsKey,
  takeSeat,
  type SeatDecision,
  type Seats,
} from '../core/seats';
import { withRetries, type RetryContext } from '../kvs/retry';

import { TABLE_KEY, TABLE_TTL_ATTRIBUTE } from '../core/state-table';

export { TABLE_KEY, TABLE_TTL_ATTRIBUTE };

/** Attempts at a seat write that lost a race to another instance; each loss means another request won. */
const SEAT_WRITE_ROUNDS = 8;

export interface StateStoreOptions {
  tableName: string;
  region: string;
  /** DynamoDB endpoint override (local mode's embedded server). */
  endpoint?: string;
  /** @default the SDK's default provider chain (the Lambda role) */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Per-attempt timeout of each call (connection and response). */
  timeoutMs: number;
  /** Attempts per call for transient failures and throttling. */
  maxAttempts: number;
  /** Time a call may take, retries included, when the caller names no deadline. @default STATE_BUDGET_MS */
  budgetMs?: number;
  /** @default Date.now */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface SeatRequest {
  issuer: string;
  sub: string;
  /** The seat's name: the viewerId, or ANONYMOUS_VIEWER. */
  viewer: string;
  untilMs: number;
  limit: number;
}

export interface StateStore {
  /**
   * The unexpired revocation stored under this key (lambda/core/revocation.ts revocationKey): its `before`
   * instant, or undefined. Read now, no cache: the per-instance cache is revocation-cache.ts.
   */
  readRevocation(key: string, deadlineMs?: number): Promise<{ beforeMs: number } | undefined>;
  putRevocation(record: RevocationRecord): Promise<void>;
  /**
   * Takes or renews a seat, or says when the earliest seat frees; never hands out more than `limit`. A granted
   * seat comes with the version of the item it wrote.
   */
  takeSeat(request: SeatRequest, deadlineMs?: number): Promise<StoredSeatDecision>;
  /**
   * Gives back a seat taken for a session that was never opened (core/seats.ts releaseSeat): `taken.untilMs` is the
   * expiry the seat was written with, `taken.version` the item version that write made. Only while the item is still
   * at that version: any later write (another session of the principal, a grid's other entry renewing the same
   * seat) may rest on the seat, which then stays held until it expires.
   */
  releaseSeat(
    request: Omit<SeatRequest, 'untilMs' | 'limit'>,
    taken: { untilMs: number; previousUntilMs?: number; version: number },
    deadlineMs?: number,
  ): Promise<void>;
}

/** A seat decision as stored: a granted one with the item version its write made. */
export type StoredSeatDecision =
  | (Extract<SeatDecision, { granted: true }> & { version: number })
  | Extract<SeatDecision, { granted: false }>;

function stateUnavailable(failure: { name: string; message?: string }): BrokerError {
  return new BrokerError('STATE_UNAVAILABLE', 'The viewer-state table did not answer; retry later', {
    retryAfterSeconds: 1,
    detail: `${failure.name}: ${failure.message ?? ''}`,
  });
}

const num = (v: AttributeValue | undefined) => (v && 'N' in v && v.N !== undefined ? Number(v.N) : undefined);

function seatsFrom(item: Record<string, AttributeValue> | undefined): Seats | undefined {
  const m = item?.seats && 'M' in item.seats ? item.seats.M : undefined;
  if (!m) return undefined;
  return Object.fromEntries(Object.entries(m).map(([id, v]) => [id, num(v) ?? 0]));
}

// eslint-disable-next-line max-lines-per-function -- a factory: four operations over one client and retry context
export function createStateStore(options: StateStoreOptions): StateStore {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const client = new DynamoDBClient({
    region: options.region,
    // Retries are ours, so that every attempt and wait of a request fits one deadline.
    maxAttempts: 1,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: options.timeoutMs,
      requestTimeout: options.timeoutMs,
      throwOnRequestTimeout: true,
    }),
  });
  const table = options.tableName;
  const retry = (deadlineMs?: number): RetryContext => ({
    now,
    sleep,
    random,
    maxAttempts: options.maxAttempts,
    deadlineMs: deadlineMs ?? now() + (options.budgetMs ?? STATE_BUDGET_MS),
    toError: stateUnavailable,
  });

  async function getItem(key: string, ctx: RetryContext) {
    const out = await withRetries(ctx, (abortSignal) =>
      client.send(
        new GetItemCommand({ TableName: table, Key: { [TABLE_KEY]: { S: key } }, ConsistentRead: true }),
        { abortSignal },
      ),
    );
    return out.Item;
  }

  /** A revocation item, unless past its TTL: DynamoDB may delete it days later, it no longer exists for us. */
  async function liveRevocation(key: string, ctx: RetryContext) {
    const item = await getItem(key, ctx);
    const expiresAt = num(item?.[TABLE_TTL_ATTRIBUTE]);
    return item && (expiresAt === undefined || expiresAt * 1000 > now()) ? item : undefined;
  }

  /** Sends a conditional write: false when its condition failed (another write came first), not an error. */
  function conditional(ctx: RetryContext, command: PutItemCommand | UpdateItemCommand): Promise<boolean> {
    return withRetries(ctx, (abortSignal) =>
      (client.send(command as PutItemCommand, { abortSignal }) as Promise<unknown>).then(
        () => true,
        (error: unknown) => {
          if ((error as { name?: string })?.name === 'ConditionalCheckFailedException') return false;
          throw error;
        },
      ),
    );
  }

  /** One conditional write of the principal's seats: false when another instance wrote first. */
  async function writeSeats(
    request: Pick<SeatRequest, 'issuer' | 'sub'>,
    seats: Seats,
    version: number | undefined,
    ctx: RetryContext,
  ) {
    const item: Record<string, AttributeValue> = {
      [TABLE_KEY]: { S: seatsKey(request.issuer, request.sub) },
      kind: { S: 'seats' },
      issuer: { S: request.issuer },
      sub: { S: request.sub },
      seats: { M: Object.fromEntries(Object.entries(seats).map(([id, ms]) => [id, { N: String(ms) }])) },
      version: { N: String((version ?? 0) + 1) },
      [TABLE_TTL_ATTRIBUTE]: { N: String(seatsExpiresAtS(seats)) },
    };
    return conditional(
      ctx,
      new PutItemCommand({
        TableName: table,
        Item: item,
        ...(version === undefined
          ? {
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': TABLE_KEY },
            }
          : {
              ConditionExpression: '#v = :v',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':v': { N: String(version) } },
            }),
      }),
    );
  }

  return {
    async readRevocation(key, deadlineMs) {
      const item = await liveRevocation(key, retry(deadlineMs));
      const beforeMs = num(item?.beforeMs);
      return beforeMs === undefined ? undefined : { beforeMs };
    },

    async putRevocation(record) {
      // A later `before` wins; an earlier one is already covered (the condition fails, which is success here).
      await conditional(
        retry(),
        new UpdateItemCommand({
          TableName: table,
          Key: { [TABLE_KEY]: { S: record.key } },
          UpdateExpression:
            'SET #kind = :kind, #issuer = :issuer, #subject = :subject, #before = :before, #at = :at, #by = :by, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#before) OR #before <= :before',
          // Every name through a placeholder: DynamoDB reserves hundreds of words.
          ExpressionAttributeNames: {
            '#kind': 'kind',
            '#issuer': 'issuer',
            '#subject': 'subject',
            '#before': 'beforeMs',
            '#at': 'revokedAtMs',
            '#by': 'revokedBy',
            '#ttl': TABLE_TTL_ATTRIBUTE,
          },
          ExpressionAttributeValues: {
            ':kind': { S: `revocation-${record.kind}` },
            ':issuer': { S: record.issuer },
            ':subject': { S: record.subject },
            ':before': { N: String(record.beforeMs) },
            ':at': { N: String(record.revokedAtMs) },
            ':by': { S: record.revokedBy },
            ':ttl': { N: String(record.expiresAtS) },
          },
        }),
      );
    },

    async takeSeat(request, deadlineMs) {
      const ctx = retry(deadlineMs);
      for (let round = 1; ; round += 1) {
        const item = await getItem(seatsKey(request.issuer, request.sub), ctx);
        const decision = takeSeat(seatsFrom(item), request.viewer, request.untilMs, now(), request.limit);
        if (!decision.granted) return decision;
        const version = item ? num(item.version) : undefined;
        if (await writeSeats(request, decision.seats, version, ctx))
          return { ...decision, version: (version ?? 0) + 1 };
        if (round >= SEAT_WRITE_ROUNDS) {
          throw new BrokerError('THROTTLED', 'Too many concurrent requests for this account; retry later', {
            retryAfterSeconds: 1,
            detail: `seat write lost ${round} races`,
          });
        }
        await sleep(Math.floor(random() * 20 * round));
      }
    },

    async releaseSeat(request, taken, deadlineMs) {
      const ctx = retry(deadlineMs);
      const item = await getItem(seatsKey(request.issuer, request.sub), ctx);
      if (!item || num(item.version) !== taken.version) return;
      const seats = releaseSeat(seatsFrom(item), request.viewer, taken);
      // A write that loses its condition came after ours and may rest on the seat: the seat stays, as above.
      if (seats) await writeSeats(request, seats, taken.version, ctx);
    },
  };
}
