// `npm run token -- …`: mints a dev token signed by the local dev issuer, ready for curl.
import { parseArgs } from 'node:util';
import { DEV_KEY_PATH } from './dev-key';
import { parseGrant } from '../lambda/core/grants';
import { DEV_AUDIENCE, DEV_ISSUER, createDevIssuer, loadOrCreateDevKey } from './dev-issuer';

const HELP = `Usage: npm run token -- [options]

Mints a JWT from the local dev issuer (${DEV_ISSUER}). Without --stream it grants LIVE on every stream.

  --sub <id>               subject (default: dev-user)
  --stream <pattern>       stream name, prefix ending in *, or *; repeat for several grants
  --modes <list>           LIVE,LIVE_REPLAY,ON_DEMAND (default: LIVE)
  --protocols <list>       DASH,HLS (default: both)
  --from=<time>            window start: ISO 8601, epoch seconds, or relative like --from=-2h, --from=-30m
  --to=<time>              window end, same forms (e.g. --to=+1h)
  --max-expires <seconds>  cap on session expiry for these grants
  --ttl <seconds>          token lifetime (default: 3600)
  --json                   print {"token": …, "claims": …} instead of the bare token
`;

function parseTime(value: string | undefined, nowS: number): number | undefined {
  if (value === undefined) return undefined;
  const relative = /^([+-]\d+)([smhd])$/.exec(value);
  if (relative) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return nowS + Number(relative[1]) * unit;
  }
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${value}`);
  return Math.floor(ms / 1000);
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string', default: 'dev-user' },
      stream: { type: 'string', multiple: true },
      modes: { type: 'string' },
      protocols: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'max-expires': { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const nowS = Math.floor(Date.now() / 1000);
  const from = parseTime(values.from, nowS);
  const to = parseTime(values.to, nowS);
  const maxExpires = values['max-expires'] === undefined ? undefined : Number(values['max-expires']);
  const grants = (values.stream ?? ['*']).map((stream) => ({
    stream,
    ...(values.modes ? { modes: list(values.modes) } : {}),
    ...(values.protocols ? { protocols: list(values.protocols) } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(maxExpires !== undefined ? { maxExpiresSeconds: maxExpires } : {}),
  }));
  for (const grant of grants) {
    if (!parseGrant(grant))
      throw new Error(`this grant would be ignored by the broker: ${JSON.stringify(grant)}`);
  }
  const issuer = await createDevIssuer({
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    privateJwk: await loadOrCreateDevKey(DEV_KEY_PATH),
  });
  const token = await issuer.mint({ sub: values.sub, grants, expiresInSeconds: Number(values.ttl) });
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ token, claims: { sub: values.sub, kvs: grants } }, null, 2)}\n`
      : `${token}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
