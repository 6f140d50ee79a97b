// The broker's floor: the two KVS clients as the SDK sets them up by default, a trivial handler making the two calls
// of a cold session (GetDataEndpoint, then GetDASHStreamingSessionURL), and one JSON audit line to stdout.
import { GetDataEndpointCommand, KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import {
  GetDASHStreamingSessionURLCommand,
  KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import type { APIGatewayProxyEvent } from 'aws-lambda';

const control = new KinesisVideoClient({});

export const handler = async (event: APIGatewayProxyEvent) => {
  const StreamName = event.pathParameters!.streamName!;
  const { DataEndpoint } = await control.send(
    new GetDataEndpointCommand({ StreamName, APIName: 'GET_DASH_STREAMING_SESSION_URL' }),
  );
  const media = new KinesisVideoArchivedMediaClient({ endpoint: DataEndpoint });
  const out = await media.send(
    new GetDASHStreamingSessionURLCommand({ StreamName, PlaybackMode: 'LIVE', Expires: 300 }),
  );
  const line = {
    audit: 'kvs-session',
    time: new Date().toISOString(),
    stream: StreamName,
    outcome: 'GRANTED',
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return { statusCode: 200, body: JSON.stringify({ url: out.DASHStreamingSessionURL }) };
};
