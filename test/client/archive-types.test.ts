// The client writes the archive answers' types by hand (client/ imports nothing outside itself); this test ties them
// to the broker's answer schemas (lambda/core/schemas/archive.ts, which the OpenAPI document is made from): a field
// added, renamed, retyped or made optional on either side fails to compile (tsc over test/, in `npm test`'s typecheck)
// until the other follows. At run time: the default the client documents is the broker's.
import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import type { ArchiveImage, ImagesPage, Timeline } from '../../client';
import type { imagesSchema, timelineSchema } from '../../lambda/core/schemas/archive';
import { TIMELINE_DEFAULT_GAP_MS } from '../../lambda/core/archive-limits';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
/** Flattens intersections and optional-undefined unions so structurally equal types compare equal. */
type Plain<T> = T extends readonly (infer U)[]
  ? Plain<U>[]
  : T extends object
    ? { [K in keyof T]: Plain<Exclude<T[K], undefined>> | (undefined extends T[K] ? undefined : never) }
    : T;

export type SameTimeline = Expect<Equal<Plain<Timeline>, Plain<z.output<typeof timelineSchema>>>>;
export type SameImagesPage = Expect<Equal<Plain<ImagesPage>, Plain<z.output<typeof imagesSchema>>>>;
export type SameImage = Expect<
  Equal<Plain<ArchiveImage>, Plain<z.output<typeof imagesSchema>['images'][number]>>
>;

describe("the client's archive answers", () => {
  it("document the broker's timeline gapMs default (client/archive.ts TimelineQuery.gapMs: @default 2000)", () => {
    expect(TIMELINE_DEFAULT_GAP_MS).toBe(2000);
  });
});
