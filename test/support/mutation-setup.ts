// Loaded only by the mutation run (stryker.config.mjs), for every test file it runs:
// - a failing property ends at its first counterexample instead of shrinking it: shrinking only makes a failure
//   readable, and shrinking 100-grant counterexamples is what made core's killed mutants slow (or time out);
// - a property stops generating cases after 250 ms and passes with the cases it ran. Jest runs every test a mutant
//   reaches, even after one has failed, so properties of a second or more (allowPolicy's size bound, 6 s; the
//   generated validators against zod) were most of each mutant's time. Fewer cases can only let a mutant survive, never kill one: the score this
//   gives is a lower bound of the full properties' (`npm test` runs them whole).
import fc from 'fast-check';

fc.configureGlobal({ endOnFailure: true, interruptAfterTimeLimit: 250, markInterruptAsFailure: false });
