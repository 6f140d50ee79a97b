// The typed client keeps one viewerId per device (docs/api.md, Seats) and sends it with every session it asks for.
import { describe, expect, it } from '@jest/globals';
import { createBrokerClient, type ViewerIdStore } from '../../client';

const SESSION = {
  url: 'https://kvs.example/dash?SessionToken=x',
  protocol: 'DASH',
  streamName: 'cam-1',
  playbackMode: 'LIVE',
  expiresAt: '2026-11-25T10:05:00.000Z',
};

const WEBRTC = {
  protocol: 'WEBRTC',
  streamName: 'cam-1',
  channelArn: 'arn:aws:kinesisvideo:eu-west-1:123456789012:channel/ch-cam-1/1700000000000',
  clientId: 'c',
  signalingUrl: 'wss://v-1.kinesisvideo.eu-west-1.amazonaws.com/?X-Amz-Signature=x',
  iceServers: [],
  expiresAt: '2026-11-25T10:05:00.000Z',
  expiresInSeconds: 300,
};

/** A client whose fetch records the bodies it was asked to send and answers each as the broker would. */
function recordingClient(viewerId?: string | ViewerIdStore | false) {
  const bodies: Record<string, unknown>[] = [];
  const client = createBrokerClient({
    baseUrl: 'https://api.example',
    token: 't',
    ...(viewerId !== undefined ? { viewerId } : {}),
    env: {
      fetch: async (url, init) => {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        bodies.push(body);
        const answer = String(url).endsWith('/webrtc')
          ? WEBRTC
          : Array.isArray(body.sessions)
            ? { sessions: body.sessions.map(() => SESSION) }
            : SESSION;
        return {
          status: 200,
          headers: { get: () => null },
          text: async () => JSON.stringify(answer),
        } as never;
      },
    },
  });
  return { client, bodies };
}

function memoryStore(initial?: string): ViewerIdStore & { value?: string } {
  const store: ViewerIdStore & { value?: string } = {
    value: initial,
    get: () => store.value,
    set: (id) => {
      store.value = id;
    },
  };
  return store;
}

describe('viewerId', () => {
  it('generates one id, stores it, and sends the same one with every session and grid entry', async () => {
    const store = memoryStore();
    const { client, bodies } = recordingClient(store);
    await client.createSession('cam-1');
    await client.createSession('cam-2', { protocol: 'HLS' });
    await client.sessions([{ streamName: 'cam-1' }, { streamName: 'cam-2' }]);
    await client.webrtc('cam-1', { clientId: 'door' });
    expect(store.value).toMatch(/^[A-Za-z0-9_.:-]{1,128}$/);
    expect(bodies).toEqual([
      { viewerId: store.value },
      { protocol: 'HLS', viewerId: store.value },
      {
        sessions: [
          { streamName: 'cam-1', viewerId: store.value },
          { streamName: 'cam-2', viewerId: store.value },
        ],
      },
      { clientId: 'door', viewerId: store.value },
    ]);
  });

  it('keeps the stored id across clients (a restart of the app), and replaces one the broker would refuse', async () => {
    const kept = recordingClient(memoryStore('device-7'));
    await kept.client.createSession('cam-1');
    expect(kept.bodies[0]).toEqual({ viewerId: 'device-7' });
    const bad = memoryStore('not allowed!');
    await recordingClient(bad).client.createSession('cam-1');
    expect(bad.value).not.toBe('not allowed!');
  });

  it("takes a fixed id, lets a request's own id win, and sends none when told not to", async () => {
    const fixed = recordingClient('tv-lobby');
    await fixed.client.createSession('cam-1');
    await fixed.client.createSession('cam-1', { viewerId: 'other' });
    expect(fixed.bodies).toEqual([{ viewerId: 'tv-lobby' }, { viewerId: 'other' }]);
    const none = recordingClient(false);
    await none.client.createSession('cam-1');
    expect(none.bodies).toEqual([{}]);
  });
});
