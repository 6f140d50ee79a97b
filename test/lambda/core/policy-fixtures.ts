// The authorizer-policy tests' shared fixtures: one API stage, a method ARN on it, a LIVE grant, and an answer's size.
import type { Grant } from '../../../lambda/core/grants';

export const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod';
export const ARN = `${STAGE}/POST/v1/streams/cam-1/sessions`;
export const live = (stream: string): Grant => ({ stream, modes: ['LIVE'], protocols: ['DASH'] });
/** UTF-8 bytes of a value as API Gateway receives it (JSON). */
export const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
