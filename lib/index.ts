// Public surface of the CDK library (package entry `kvs-session-broker`).
export * from './kvs-session-broker';
export * from './kvs-session-broker-stack';
export * from './usage-dashboard';
export { LAMBDA_BUNDLES, lambdaBundleDirectory, type LambdaBundleName } from './lambda-bundles';
export type {
  BrokerConfigInput,
  IssuerConfigInput,
  JwsAlgorithm,
  LocalStreamConfigInput,
  RateLimitRule,
} from './broker-config-input';
export {
  ConfigError,
  configSchema,
  parseConfig,
  PLAYBACK_MODES,
  PROTOCOLS,
  type BrokerConfig,
  type IssuerConfig,
  type ParseConfigOptions,
  type PlaybackMode,
  type Protocol,
} from '../lambda/core/config';
export * from './cognito-grants';
export { RateLimitWebAcl, type RateLimitWebAclProps } from './ip-rate-limit';
export { KvsSavedQueries, type KvsSavedQueriesProps } from './saved-queries';
export { KVS_PLAYBACK_BYTE_METRICS, type KvsPlaybackByteMetric } from './usage-metrics';
export type { RateLimitConfig, RateLimitSettings } from '../lambda/contract/waf';
export { ViewerStateTable, type ViewerStateTableProps, type ViewerStateUser } from './viewer-state-table';
export { ROUTE_LAMBDAS, type RouteLambda } from '../lambda/contract/routes';
