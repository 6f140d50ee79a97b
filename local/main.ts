// `npm start`: the whole broker on this machine, no AWS account. See README "Local mode".
import { readFile } from 'node:fs/promises';
import { startLocalBroker } from './app';
import { DEV_KEY_PATH } from './dev-key';
import { DEV_ISSUER, loadOrCreateDevKey } from './dev-issuer';
import { createPlayerRoutes, type PlayerRoutes } from './player/routes';

async function main(): Promise<void> {
  const configPath = process.env.KVS_BROKER_CONFIG;
  const config = configPath ? JSON.parse(await readFile(configPath, 'utf8')) : undefined;
  const port = Number(process.env.PORT ?? 3000);
  // The player routes need the broker's dev issuer, which exists once the broker has started.
  let player: PlayerRoutes = async () => false;
  const broker = await startLocalBroker({
    port,
    ...(config !== undefined ? { config } : {}),
    devKey: await loadOrCreateDevKey(DEV_KEY_PATH),
    extraRoutes: (req, res, url) => player(req, res, url),
  });
  const devIssuerConfigured = broker.config.issuers.some((i) => i.issuer === DEV_ISSUER);
  // The mint button only where the dev issuer's tokens would be accepted.
  player = createPlayerRoutes(devIssuerConfigured && broker.devIssuer ? { devIssuer: broker.devIssuer } : {});
  const streams = broker.config.local?.streams ?? [];
  console.log(
    [
      '',
      `kvs-session-broker (local mode) listening on ${broker.url}`,
      `  config:   ${configPath ?? 'built-in local default'}`,
      `  KVS:      emulator at ${broker.emulator.endpoint} (quotas ${broker.config.local?.enforceQuotas === false ? 'off' : 'enforced'})`,
      `  state:    ${broker.state ? `embedded DynamoDB (dynalite) at ${broker.state.endpoint}, table ${broker.state.tableName}` : 'off (no adminScope, no viewers.seatsPerPrincipal)'}`,
      `  streams:  ${streams.map((s) => `${s.name} (${s.dataRetentionInHours} h)`).join(', ') || '(none)'}`,
      devIssuerConfigured
        ? `  tokens:   TOKEN=$(npm run -s token -- --stream cam-1)`
        : `  tokens:   the dev issuer (${DEV_ISSUER}) is not in this config; use your own issuer's tokens`,
      `  session:  curl -s -X POST -H "Authorization: Bearer $TOKEN" ${broker.url}/v1/streams/cam-1/sessions`,
      `  player:   ${broker.url}/player`,
      `  OpenAPI:  ${broker.url}/openapi.json`,
      `  JWKS:     ${broker.url}/.well-known/jwks.json`,
      '',
    ].join('\n'),
  );
  const stop = () => {
    void broker.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
