// Where local mode keeps the dev issuer's signing key: a git-ignored file, generated on first start.
import { resolve } from 'node:path';

export const DEV_KEY_PATH = resolve(process.env.KVS_BROKER_DEV_KEY ?? '.local/dev-issuer-key.json');
