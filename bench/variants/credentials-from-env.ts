// Measured variant: the broker bundle with lambda/runtime/credentials-from-env.ts in place of the default chain.
export { defaultProvider } from '../../lambda/runtime/credentials-from-env';
