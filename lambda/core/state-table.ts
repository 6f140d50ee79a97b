// The viewer-state table's schema, as the construct creates it and the adapter (lambda/state) reads it: one string
// key (revocation.ts revocationKey, seats.ts seatsKey) and the TTL attribute every item carries (epoch seconds).

export const TABLE_KEY = 'pk';
export const TABLE_TTL_ATTRIBUTE = 'expiresAt';
