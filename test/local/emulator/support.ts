// Shared test support: real SDK clients pointed at an emulator, a hand-driven clock, and error capture.
import { KinesisVideoClient, type KinesisVideoClientConfig } from '@aws-sdk/client-kinesis-video';
import {
  KinesisVideoArchivedMediaClient,
  type KinesisVideoArchivedMediaClientConfig,
} from '@aws-sdk/client-kinesis-video-archived-media';
import type { KvsEmulator } from '../../../local/emulator/index';

export const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' };

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
