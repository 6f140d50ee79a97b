// The seat limit of a function whose routes take no seat (the archive reads, the clip): with seats but no revocation
// configured, the construct gives it no viewer-state table (lib/viewer-state-table.ts usesViewerState).
import { SEAT_LAMBDAS, type RouteLambda } from '../../contract/routes';
import type { BrokerConfig } from '../../core/config';

/** The config a function runs with: without the seat limit unless its routes take seats (SEAT_LAMBDAS). */
export function seatConfig(lambda: RouteLambda, config: BrokerConfig): BrokerConfig {
  if (SEAT_LAMBDAS.includes(lambda) || config.viewers.seatsPerPrincipal === undefined) return config;
  return { ...config, viewers: { ...config.viewers, seatsPerPrincipal: undefined } };
}
