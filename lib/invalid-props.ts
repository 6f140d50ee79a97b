// One message shape for props a construct refuses at synth: every problem at once, each naming its prop.

/** Throws `Invalid <Construct> props:` with one line per problem, when there is any. */
export function refuseInvalidProps(construct: string, problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new Error(`Invalid ${construct} props:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
