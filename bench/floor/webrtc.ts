// The WebRTC function's floor: the KVS and signaling clients as the SDK sets them up by default, a trivial handler
// making the calls of a cold viewer (DescribeSignalingChannel, GetSignalingChannelEndpoint for WSS and HTTPS as
// VIEWER, GetIceServerConfig on the HTTPS endpoint), the ConnectAsViewer URL presigned with the SDK's SigV4 signer,
// and one JSON audit line to stdout.
import {
  DescribeSignalingChannelCommand,
  GetSignalingChannelEndpointCommand,
  KinesisVideoClient,
} from '@aws-sdk/client-kinesis-video';
import {
  GetIceServerConfigCommand,
  KinesisVideoSignalingClient,
} from '@aws-sdk/client-kinesis-video-signaling';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { APIGatewayProxyEvent } from 'aws-lambda';

const control = new KinesisVideoClient({});

export const handler = async (event: APIGatewayProxyEvent) => {
  const ChannelName = `ch-${event.pathParameters!.streamName!}`;
  const { ChannelInfo } = await control.send(new DescribeSignalingChannelCommand({ ChannelName }));
  const ChannelARN = ChannelInfo!.ChannelARN!;
  const { ResourceEndpointList } = await control.send(
    new GetSignalingChannelEndpointCommand({
      ChannelARN,
      SingleMasterChannelEndpointConfiguration: { Protocols: ['WSS', 'HTTPS'], Role: 'VIEWER' },
    }),
  );
  const endpoint = (p: string) => ResourceEndpointList!.find((e) => e.Protocol === p)!.ResourceEndpoint!;
  const signaling = new KinesisVideoSignalingClient({ endpoint: endpoint('HTTPS') });
  const ice = await signaling.send(
    new GetIceServerConfigCommand({ ChannelARN, ClientId: 'viewer', Service: 'TURN' }),
  );
  const url = new URL(endpoint('WSS'));
  const signer = new SignatureV4({
    service: 'kinesisvideo',
    region: await control.config.region(),
    credentials: control.config.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: 'wss:',
      hostname: url.hostname,
      path: '/',
      headers: { host: url.hostname },
      query: { 'X-Amz-ChannelARN': ChannelARN, 'X-Amz-ClientId': 'viewer' },
    },
    { expiresIn: 300 },
  );
  const line = {
    audit: 'kvs-session',
    time: new Date().toISOString(),
    stream: ChannelName,
    outcome: 'GRANTED',
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  return {
    statusCode: 200,
    body: JSON.stringify({ query: signed.query, iceServers: ice.IceServerList ?? [] }),
  };
};
