// KVS control-plane operations the broker uses: GetDataEndpoint, DescribeStream, ListStreams.
import { createHash } from 'node:crypto';
import { API_NAMES, type ApiName } from './playback';
import {
  decodeNextToken,
  encodeNextToken,
  streamArn,
  type Account,
  type Stream,
  type StreamRef,
  type StreamRegistry,
} from './streams';
import {
  STREAM_NAME_PATTERN,
  Violations,
  readInteger,
  readObject,
  readString,
  type JsonObject,
} from './validation';

export interface GetDataEndpointInput {
  stream: StreamRef;
  apiName: ApiName;
}

export function parseGetDataEndpoint(body: JsonObject): GetDataEndpointInput {
  const v = new Violations();
  const streamName = readString(body, 'StreamName');
  const streamArn = readString(body, 'StreamARN');
  v.streamIdentifier(streamName, streamArn);
  const raw = readString(body, 'APIName');
  v.required(raw, 'aPIName');
  const apiName = v.enumOf(raw, 'aPIName', API_NAMES, 'GET_MEDIA');
  v.throwIfAny();
  return { stream: { streamName, streamArn }, apiName };
}

export function parseStreamRef(body: JsonObject): StreamRef {
  const v = new Violations();
  const streamName = readString(body, 'StreamName');
  const streamArn = readString(body, 'StreamARN');
  v.streamIdentifier(streamName, streamArn);
  v.throwIfAny();
  return { streamName, streamArn };
}

/** Real KVS versions are opaque strings that change on update; a hash of the config is stable and changes too. */
function version(stream: Stream): string {
  return createHash('sha256').update(JSON.stringify(stream)).digest('hex').slice(0, 20);
}

export function streamInfo(stream: Stream, account: Account): JsonObject {
  return {
    StreamName: stream.name,
    StreamARN: streamArn(stream, account),
    MediaType: stream.mediaType,
    KmsKeyId: `arn:aws:kms:${account.region}:${account.accountId}:alias/aws/kinesisvideo`,
    Version: version(stream),
    Status: 'ACTIVE',
    // restJson1 timestamps are epoch seconds.
    CreationTime: stream.creationTime / 1000,
    DataRetentionInHours: stream.dataRetentionInHours,
  };
}

export interface ListStreamsInput {
  maxResults: number;
  after?: string;
  prefix?: string;
}

export function parseListStreams(body: JsonObject): ListStreamsInput {
  const v = new Violations();
  const maxResults = readInteger(body, 'MaxResults');
  v.range(maxResults, 'maxResults', 1, 10_000);
  const nextToken = readString(body, 'NextToken');
  v.length(nextToken, 'nextToken', 0, 512);
  v.pattern(nextToken, 'nextToken', '[a-zA-Z0-9+/=]*');
  const condition = readObject(body, 'StreamNameCondition');
  const operator = condition && readString(condition, 'ComparisonOperator');
  v.enumOf(operator, 'streamNameCondition.comparisonOperator', ['BEGINS_WITH'], 'BEGINS_WITH');
  const prefix = condition && readString(condition, 'ComparisonValue');
  v.length(prefix, 'streamNameCondition.comparisonValue', 1, 256);
  v.pattern(prefix, 'streamNameCondition.comparisonValue', STREAM_NAME_PATTERN);
  v.throwIfAny();
  // An empty token is what some callers send on the first page; it means "from the start".
  const after = nextToken === undefined || nextToken === '' ? undefined : decodeNextToken(nextToken);
  return { maxResults: maxResults ?? 10_000, after, prefix };
}

export function listStreams(input: ListStreamsInput, registry: StreamRegistry): JsonObject {
  const matching = registry.list(input.prefix);
  const from = input.after === undefined ? 0 : matching.findIndex((s) => s.name > (input.after as string));
  const rest = from < 0 ? [] : matching.slice(from);
  const page = rest.slice(0, input.maxResults);
  const out: JsonObject = {
    StreamInfoList: page.map((s) => (s.fault === 'EmptyAnswer' ? {} : streamInfo(s, registry.account))),
  };
  const last = page.at(-1);
  if (rest.length > page.length && last !== undefined) out.NextToken = encodeNextToken(last.name);
  return out;
}
