// The viewer-state table's schema (lambda/core/state-table.ts), as DynamoDB must accept it: the construct creates
// the table from these names and the adapter (lambda/state) reads and writes items by them.
import { describe, expect, it } from '@jest/globals';
import { TABLE_KEY, TABLE_TTL_ATTRIBUTE } from '../../../lambda/core/state-table';

describe('viewer-state table schema', () => {
  // DynamoDB API Reference, KeySchemaElement and TimeToLiveSpecification: AttributeName length 1 to 255.
  it.each([
    ['key', TABLE_KEY],
    ['TTL attribute', TABLE_TTL_ATTRIBUTE],
  ])('names its %s as DynamoDB allows (1 to 255 characters)', (_, name) => {
    expect(name.length).toBeGreaterThanOrEqual(1);
    expect(name.length).toBeLessThanOrEqual(255);
  });

  it('keeps the key and the TTL attribute apart (the key is a String, the TTL an epoch-seconds Number)', () => {
    expect(TABLE_KEY).not.toBe(TABLE_TTL_ATTRIBUTE);
  });
});
