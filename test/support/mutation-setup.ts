// Loaded only by the mutation run (stryker.config.mjs): a property that fails ends at its first counterexample
// instead of shrinking it. Shrinking only makes a failure readable; whether a mutant is killed is decided by the
// first failure, and shrinking 100-grant counterexamples is what made core's killed mutants slow (or time out).
import fc from 'fast-check';

fc.configureGlobal({ endOnFailure: true });
