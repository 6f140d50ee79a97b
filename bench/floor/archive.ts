// The archive function's floor: the two KVS clients as the SDK sets them up by default, a trivial handler making the
// calls of a cold timeline of a short range (GetDataEndpoint for LIST_FRAGMENTS, then one ListFragments page over
// the range), the fragments as intervals, and one JSON audit line to stdout.
import { GetDataEndpointCommand, KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import {
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
} from '@aws-sdk/client-kinesis-video-archived-media';
import type { APIGatewayProxyEvent } from 'aws-lambda';

const control = new KinesisVideoClient({});

export const handler = async (event: APIGatewayProxyEvent) => {
  const StreamName = event.pathParameters!.streamName!;
  const { from, to } = event.queryStringParameters!;
  const { DataEndpoint } = await control.send(
    new GetDataEndpointCommand({ StreamName, APIName: 'LIST_FRAGMENTS' }),
  );
  const media = new KinesisVideoArchivedMediaClient({ endpoint: DataEndpoint });
  const out = await media.send(
    new ListFragmentsCommand({
      StreamName,
      MaxResults: 1000,
      FragmentSelector: {
        FragmentSelectorType: 'PRODUCER_TIMESTAMP',
        TimestampRange: { StartTimestamp: new Date(from!), EndTimestamp: new Date(to!) },
      },
    }),
  );
  const intervals = (out.Fragments ?? []).map((f) => [
    f.ProducerTimestamp?.getTime(),
    f.FragmentLengthInMilliseconds,
  ]);
  const line = {
    audit: 'kvs-archive',
    time: new Date().toISOString(),
    stream: StreamName,
    outcome: 'GRANTED',
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return { statusCode: 200, body: JSON.stringify({ intervals }) };
};
