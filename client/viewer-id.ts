// A stable viewerId per device (docs/api.md, Seats): the broker holds one seat per viewerId while its session
// lasts, so a device that renews keeps its seat. Kept in localStorage in browsers, in a store the app gives
// elsewhere (React Native's AsyncStorage, a file), or for the client's life when there is neither.

/** Where the id lives between runs. Sync or async, so AsyncStorage-style stores fit as they are. */
export interface ViewerIdStore {
  get(): string | null | undefined | Promise<string | null | undefined>;
  set(id: string): void | Promise<void>;
}

/** The localStorage key the browser store uses. */
export const VIEWER_ID_KEY = 'kvs-session-broker.viewerId';

/** The broker's viewerId rule: 1..128 of a-z, A-Z, 0-9, _ . : - (a stored value that breaks it is replaced). */
const VIEWER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The browser's localStorage as a store, or undefined where there is none (Node, React Native, private modes). */
export function localStorageViewerIdStore(): ViewerIdStore | undefined {
  let storage: StorageLike | undefined;
  try {
    storage = (globalThis as { localStorage?: StorageLike }).localStorage;
  } catch {
    return undefined; // some browsers throw on access when storage is blocked
  }
  if (!storage) return undefined;
  return {
    get: () => storage.getItem(VIEWER_ID_KEY),
    set: (id) => storage.setItem(VIEWER_ID_KEY, id),
  };
}

/** An id of 32 hex digits (128 bits): crypto.randomUUID where the host has it, else `random`. */
export function newViewerId(random: () => number): string {
  const uuid = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID?.();
  if (uuid) return uuid;
  return Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
}

/** The device's id: the stored one, or a new one stored for next time. Asked once per client. */
export function viewerIdSource(
  store: ViewerIdStore | undefined,
  random: () => number,
): () => Promise<string> {
  let id: Promise<string> | undefined;
  return () =>
    (id ??= (async () => {
      const stored = await store?.get();
      if (typeof stored === 'string' && VIEWER_ID.test(stored)) return stored;
      const fresh = newViewerId(random);
      await store?.set(fresh);
      return fresh;
    })());
}
