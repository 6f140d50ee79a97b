// Shared test support: an emulator per describe block, real SDK clients pointed at it, a hand-driven clock, and error
// capture.
import { afterAll, beforeAll } from '@jest/globals';
import { KinesisVideoClient, type KinesisVideoClientConfig } from '@aws-sdk/client-kinesis-video';
import {
  KinesisVideoArchivedMediaClient,
  type KinesisVideoArchivedMediaClientConfig,
} from '@aws-sdk/client-kinesis-video-archived-media';
import {
  startKvsEmulator,
  type KvsEmulator,
  type KvsEmulatorOptions,
  type StreamConfig,
} from '../../../local/emulator/index';
import { LOCAL_CREDENTIALS } from '../../support/kvs-adapter';

/** The emulator's test credentials, the ones the adapter tests sign with. */
export const credentials = LOCAL_CREDENTIALS;

export function clientsFor(
  emu: KvsEmulator,
  extra: Pick<KinesisVideoClientConfig, 'maxAttempts' | 'requestHandler'> = {},
) {
  // One attempt by default, so a test sees exactly what the emulator answered.
  const config = { endpoint: emu.endpoint, region: 'us-east-1', credentials, maxAttempts: 1, ...extra };
  return {
    kvs: new KinesisVideoClient(config),
    media: new KinesisVideoArchivedMediaClient(config as KinesisVideoArchivedMediaClientConfig),
  };
}

/** The archive tests' streams: one recording all the time, one 40 s of each minute (from the epoch), one keeping none. */
export const ARCHIVE_STREAMS: readonly StreamConfig[] = [
  { name: 'cam-1' },
  { name: 'cam-motion', recording: { everySeconds: 60, forSeconds: 40 } },
  { name: 'cam-no-retention', dataRetentionInHours: 0 },
];

export interface EmulatorFixture {
  /** The emulator and the real SDK clients on it (clientsFor): set before the block's first test, read in tests. */
  emu: KvsEmulator;
  kvs: KinesisVideoClient;
  media: KinesisVideoArchivedMediaClient;
}

/** An emulator for the tests of the describe block that calls this: started before them, closed after them. */
export function emulatorFixture(options: KvsEmulatorOptions): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
  beforeAll(async () => {
    fixture.emu = await startKvsEmulator(options);
    Object.assign(fixture, clientsFor(fixture.emu));
  });
  afterAll(() => fixture.emu.close());
  return fixture;
}

/** A clock that only moves when told to, so quotas and expiry are exact. */
export function manualClock(startMs: number) {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

export interface CapturedError {
  name: string;
  message: string;
  status: number | undefined;
  fault: string | undefined;
}

/** Resolves with what the SDK raised; fails the test if the call succeeded. */
export async function errorOf(call: Promise<unknown>): Promise<CapturedError> {
  try {
    await call;
  } catch (e) {
    const err = e as {
      name: string;
      message: string;
      $fault?: string;
      $metadata?: { httpStatusCode?: number };
    };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, fault: err.$fault };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function tokenOf(sessionUrl: string | undefined): string {
  const token = new URL(sessionUrl ?? '').searchParams.get('SessionToken');
  if (token === null) throw new Error(`no SessionToken in ${sessionUrl}`);
  return token;
}

export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
