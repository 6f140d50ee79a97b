// GetDASHStreamingSessionURL and GetHLSStreamingSessionURL as one table: what differs between the protocols is
// the data-endpoint API name, the command and its protocol-only fields, and where the answer puts the URL.
import type { APIName } from '@aws-sdk/client-kinesis-video';
import {
  GetDASHStreamingSessionURLCommand,
  GetHLSStreamingSessionURLCommand,
  type KinesisVideoArchivedMediaClient,
} from '@aws-sdk/client-kinesis-video-archived-media';
import type { SessionRequest } from '../core/request';

function fragmentSelector(request: SessionRequest) {
  return {
    FragmentSelectorType: request.fragmentSelectorType,
    ...(request.startMs !== undefined
      ? {
          TimestampRange: {
            StartTimestamp: new Date(request.startMs),
            ...(request.endMs !== undefined ? { EndTimestamp: new Date(request.endMs) } : {}),
          },
        }
      : {}),
  };
}

export interface SessionUrlApi {
  /** The APIName GetDataEndpoint is asked for. */
  readonly apiName: APIName;
  /** Calls the protocol's operation; resolves to the URL, or undefined when KVS answered without one. */
  readonly send: (
    client: KinesisVideoArchivedMediaClient,
    request: SessionRequest,
    expires: number,
    abortSignal: AbortSignal,
  ) => Promise<string | undefined>;
}

export const SESSION_URL_APIS: Readonly<Record<SessionRequest['protocol'], SessionUrlApi>> = {
  DASH: {
    apiName: 'GET_DASH_STREAMING_SESSION_URL',
    send: async (client, request, expires, abortSignal) => {
      const command = new GetDASHStreamingSessionURLCommand({
        StreamName: request.streamName,
        PlaybackMode: request.playbackMode,
        DisplayFragmentTimestamp: request.displayFragmentTimestamp,
        DisplayFragmentNumber: request.displayFragmentNumber,
        DASHFragmentSelector: fragmentSelector(request),
        Expires: expires,
        MaxManifestFragmentResults: request.maxFragmentResults,
      });
      return (await client.send(command, { abortSignal })).DASHStreamingSessionURL;
    },
  },
  HLS: {
    apiName: 'GET_HLS_STREAMING_SESSION_URL',
    send: async (client, request, expires, abortSignal) => {
      const command = new GetHLSStreamingSessionURLCommand({
        StreamName: request.streamName,
        PlaybackMode: request.playbackMode,
        HLSFragmentSelector: fragmentSelector(request),
        ContainerFormat: request.containerFormat,
        DiscontinuityMode: request.discontinuityMode,
        DisplayFragmentTimestamp: request.displayFragmentTimestamp,
        Expires: expires,
        MaxMediaPlaylistFragmentResults: request.maxFragmentResults,
      });
      return (await client.send(command, { abortSignal })).HLSStreamingSessionURL;
    },
  },
};
