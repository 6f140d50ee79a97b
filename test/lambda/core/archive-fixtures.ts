// Shared by the archive rule tests (archive.test.ts, archive-edges.test.ts): a fixed instant, an ON_DEMAND grant on
// cam-1, and the hour before the instant as the asked range.
import type { Grant } from '../../../lambda/core/grants';

export const S = 1_768_478_400; // 2026-01-15T12:00:00Z in seconds
export const iso = (s: number) => new Date(s * 1000).toISOString();
export const grant = (g: Partial<Grant>): Grant => ({
  stream: 'cam-1',
  modes: ['ON_DEMAND'],
  protocols: ['DASH', 'HLS'],
  ...g,
});
export const range = { fromMs: (S - 3600) * 1000, toMs: S * 1000 };
