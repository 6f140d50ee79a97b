// Public surface of the CDK library.
export * from './kvs-session-broker';
export * from './kvs-session-broker-stack';
export * from './usage-dashboard';
