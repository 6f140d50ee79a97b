// Public surface of the CDK library (package entry `kvs-session-broker`).
export * from './kvs-session-broker';
export * from './kvs-session-broker-stack';
export * from './usage-dashboard';
export { LAMBDA_BUNDLES, lambdaBundleDirectory, type LambdaBundleName } from './lambda-bundles';
export type {
  BrokerConfigInput,
  IpRateLimitSettings,
  IssuerConfigInput,
  JwsAlgorithm,
  LocalStreamConfigInput,
} from './broker-config-input';
export {
  ConfigError,
  parseConfig,
  type BrokerConfig,
  type IssuerConfig,
  type ParseConfigOptions,
  type PlaybackMode,
  type Protocol,
} from '../lambda/core/config';
export * from './cognito-grants';
