// The client names the broker's error codes itself (client/ imports nothing outside itself), so this test ties its
// list to the server's status table (lambda/core/errors.ts) both ways: a code added, renamed or dropped on either
// side fails here until the other side follows.
import { describe, expect, it } from '@jest/globals';
import { BROKER_ERROR_CODES } from '../../client/errors';
import { ERROR_STATUS } from '../../lambda/core/errors';

const serverCodes = Object.keys(ERROR_STATUS);

describe("the client's error codes are the broker's", () => {
  it.each(serverCodes)('the client knows the server code %s', (code) => {
    expect(BROKER_ERROR_CODES).toContain(code);
  });

  it.each([...BROKER_ERROR_CODES])('the server answers with the client code %s', (code) => {
    expect(serverCodes).toContain(code);
  });

  it('lists each code once', () => {
    expect(new Set(BROKER_ERROR_CODES).size).toBe(BROKER_ERROR_CODES.length);
    expect(BROKER_ERROR_CODES.length).toBe(serverCodes.length);
  });
});
