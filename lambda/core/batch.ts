// POST /v1/sessions (docs/api.md, camera grids): many sessions in one request. The body's rules (a bad body is a 400
// for the whole request) and the shape of an entry that failed; each entry is then decided as if requested alone.
import { BrokerError } from './errors';
import { parseSessionRequest, type Session, type SessionRequest } from './request';

/** Sessions one request may ask for (docs/api.md): a 4x4 grid. */
export const MAX_BATCH_SESSIONS = 16;

/** An entry that was refused or failed, in the place of its session. */
export interface SessionEntryError {
  streamName: string;
  error: { code: BrokerError['code']; message: string; reason?: string };
  /** Seconds to wait before asking for this entry again (THROTTLED). */
  retryAfterSeconds?: number;
}

export type SessionBatchEntry = Session | SessionEntryError;

const invalid = (field: string, message: string) =>
  new BrokerError('INVALID_REQUEST', `${field}: ${message}`);
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `{ "sessions": [ { "streamName", ...the single-session body } ] }`, 1..16 entries, each under the rules of
 * POST /v1/streams/{streamName}/sessions. Throws INVALID_REQUEST naming the field (`sessions.3.protocol`).
 */
export function parseSessionBatch(body: unknown): SessionRequest[] {
  if (!isObject(body)) throw invalid('body', 'must be a JSON object');
  const unknown = Object.keys(body).filter((k) => k !== 'sessions');
  if (unknown.length > 0) throw invalid(unknown.join(', '), 'unknown field');
  const { sessions } = body;
  if (!Array.isArray(sessions)) throw invalid('sessions', 'must be an array');
  if (sessions.length < 1 || sessions.length > MAX_BATCH_SESSIONS)
    throw invalid('sessions', `must hold 1 to ${MAX_BATCH_SESSIONS} entries`);
  return sessions.map((entry: unknown, i) => {
    if (!isObject(entry)) throw invalid(`sessions.${i}`, 'must be a JSON object');
    const { streamName, ...rest } = entry;
    try {
      return parseSessionRequest(streamName, rest);
    } catch (error) {
      // Only a refusal is the entry's; any other fault goes on as it is, a 500 and never the caller's 400.
      if (!(error instanceof BrokerError)) throw error;
      throw new BrokerError('INVALID_REQUEST', `sessions.${i}.${error.message}`);
    }
  });
}

/** The answer's entry for a refused or failed session: the error body's code, message and reason, per entry. */
export function entryError(streamName: string, error: BrokerError): SessionEntryError {
  return {
    streamName,
    error: { code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) },
    ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
  };
}
