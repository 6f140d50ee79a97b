// The clip function's floor: the two KVS clients as the SDK sets them up by default, a handler that streams its
// answer (Lambda's awslambda.streamifyResponse) making the calls of a cold clip (GetDataEndpoint for GET_CLIP, then
// GetClip) and piping GetClip's body straight to the response, and one JSON audit line to stdout.
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetDataEndpointCommand, KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import {
  GetClipCommand,
  KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import type { APIGatewayProxyEvent } from 'aws-lambda';

declare const awslambda: {
  streamifyResponse(
    f: (event: APIGatewayProxyEvent, stream: Writable) => Promise<void>,
  ): (event: APIGatewayProxyEvent) => Promise<unknown>;
  HttpResponseStream: { from(stream: Writable, prelude: { statusCode: number }): Writable };
};

const control = new KinesisVideoClient({});

export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const StreamName = event.pathParameters!.streamName!;
  const { from, to } = event.queryStringParameters!;
  const { DataEndpoint } = await control.send(
    new GetDataEndpointCommand({ StreamName, APIName: 'GET_CLIP' }),
  );
  const media = new KinesisVideoArchivedMediaClient({ endpoint: DataEndpoint });
  const out = await media.send(
    new GetClipCommand({
      StreamName,
      ClipFragmentSelector: {
        FragmentSelectorType: 'PRODUCER_TIMESTAMP',
        TimestampRange: { StartTimestamp: new Date(from!), EndTimestamp: new Date(to!) },
      },
    }),
  );
  const line = {
    audit: 'kvs-archive',
    time: new Date().toISOString(),
    stream: StreamName,
    outcome: 'GRANTED',
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 200 });
  await pipeline(out.Payload as Readable, stream);
});
