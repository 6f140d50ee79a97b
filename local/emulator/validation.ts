// Pure request-body reading and constraint checks, worded like KVS's own validation errors.
import { KvsError } from './errors';

export type JsonObject = Record<string, unknown>;

/** KVS (Coral) names a member in messages by lower-casing only its first letter: APIName -> aPIName. */
export function memberPath(...members: string[]): string {
  return members.map((m) => m.charAt(0).toLowerCase() + m.slice(1)).join('.');
}

function serializationError(member: string, expected: string): KvsError {
  return new KvsError('SerializationException', `Member ${member} must be ${expected}`);
}

export function parseJsonBody(raw: string): JsonObject {
  if (raw.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new KvsError('SerializationException', 'The request body is not valid JSON');
  }
  if (!isObject(value))
    throw new KvsError('SerializationException', 'The request body must be a JSON object');
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The readers check JSON types only (a wrong type is a SerializationException, as from KVS's deserializer);
// value constraints are collected by Violations so that one answer lists them all.

export function readString(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError(key, 'a string');
  return value;
}

export function readInteger(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationError(key, 'an integer');
  return value;
}

/** Timestamps travel as epoch seconds (possibly fractional); the emulator works in milliseconds. */
export function readTimestampMs(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw serializationError(key, 'a timestamp in epoch seconds');
  return Math.round(value * 1000);
}

export function readObject(obj: JsonObject, key: string): JsonObject | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw serializationError(key, 'an object');
  return value;
}

export const STREAM_NAME_PATTERN = '[a-zA-Z0-9_.-]+';
export const STREAM_ARN_PATTERN =
  'arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+';

/** Collects constraint violations, then fails once with KVS's "N validation errors detected: ..." message. */
export class Violations {
  private readonly found: string[] = [];

  private add(value: unknown, path: string, constraint: string): void {
    const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
    this.found.push(`Value ${shown} at '${path}' failed to satisfy constraint: Member must ${constraint}`);
  }

  required(value: unknown, path: string): void {
    if (value === undefined) this.add(value, path, 'not be null');
  }

  length(value: string | undefined, path: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value.length < min) this.add(value, path, `have length greater than or equal to ${min}`);
    else if (value.length > max) this.add(value, path, `have length less than or equal to ${max}`);
  }

  /** A list's item count (Coral words it as the list's length). */
  count(values: readonly unknown[] | undefined, path: string, min: number, max: number): void {
    if (values === undefined) return;
    const shown = `[${values.join(', ')}]`;
    if (values.length < min) this.add(shown, path, `have length greater than or equal to ${min}`);
    else if (values.length > max) this.add(shown, path, `have length less than or equal to ${max}`);
  }

  pattern(value: string | undefined, path: string, pattern: string): void {
    if (value === undefined) return;
    if (!new RegExp(`^(?:${pattern})$`).test(value)) {
      this.add(value, path, `satisfy regular expression pattern: ${pattern}`);
    }
  }

  range(value: number | undefined, path: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min) this.add(value, path, `have value greater than or equal to ${min}`);
    else if (value > max) this.add(value, path, `have value less than or equal to ${max}`);
  }

  /** Returns the member when valid, else `fallback` (the violation, if any, is recorded and thrown later). */
  enumOf<T extends string>(value: string | undefined, path: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.add(value, path, `satisfy enum value set: [${allowed.join(', ')}]`);
    return fallback;
  }

  streamIdentifier(streamName: string | undefined, streamArn: string | undefined): void {
    this.length(streamName, 'streamName', 1, 256);
    this.pattern(streamName, 'streamName', STREAM_NAME_PATTERN);
    this.length(streamArn, 'streamARN', 1, 1024);
    this.pattern(streamArn, 'streamARN', STREAM_ARN_PATTERN);
  }

  throwIfAny(): void {
    const n = this.found.length;
    if (n === 0) return;
    const head = n === 1 ? '1 validation error detected: ' : `${n} validation errors detected: `;
    throw new KvsError('InvalidArgumentException', head + this.found.join('; '));
  }
}
