// GET /v1/streams/{streamName}/timeline, /images and /clip (docs/api.md, "Archive"): query rules -> archive grants
// (403 before KVS; only the covered part of the range) -> KVS -> answer; one `kvs-archive` audit line each.
import type { Metrics } from '@aws-lambda-powertools/metrics';
import {
  parseClipRequest,
  parseImagesRequest,
  parseTimelineRequest,
  requireArchiveWindow,
  type ArchiveWindow,
  type ClipRequest,
  type ImagesRequest,
  type TimelineRequest,
} from '../core/archive';
import type { ArchiveAccess } from '../core/audit';
import type { BrokerConfig } from '../core/config';
import { BrokerError } from '../core/errors';
import { isServed } from '../core/grants';
import { ARCHIVE_AUDIT } from '../core/telemetry';
import { buildTimeline } from '../core/timeline';
import type { ArchiveAdapter, ArchiveImage } from '../kvs/archive';
import type { Caller } from './http';
import { countArchive } from './metrics';
import type { Decision, RouteAudit, RouteDeps, TokenRoute } from './pipeline';

/** ListFragments pages as large as KVS gives (1,000 fragments): 10 of them are one stream's metadata points a second. */
const LIST_PAGE = 1000;

function archiveAudit(operation: ArchiveAccess['operation']): RouteAudit {
  return {
    kind: ARCHIVE_AUDIT,
    message: 'archive request',
    count(metrics: Metrics, _config: BrokerConfig, decision: Decision) {
      countArchive(
        metrics,
        operation,
        decision.error
          ? { errorCode: decision.error.code }
          : {
              ...(decision.fields.imagesReturned !== undefined
                ? { imagesReturned: decision.fields.imagesReturned }
                : {}),
            },
      );
    },
  };
}

function archiveOf(deps: RouteDeps): ArchiveAdapter {
  if (!deps.archive) throw new BrokerError('NOT_FOUND', 'The archive routes are not served by this broker');
  return deps.archive;
}

/**
 * The part of the asked range this caller may see: the stream must be one the broker serves (config `streams`), and
 * an ON_DEMAND or LIVE_REPLAY grant's window must cover some of it; `endAtMs` caps it (the stream head).
 */
function admit(
  deps: RouteDeps,
  caller: Caller,
  request: { streamName: string } & ArchiveWindow,
  endAtMs = Infinity,
): ArchiveWindow {
  if (!isServed(deps.config.streams, request.streamName)) {
    throw new BrokerError('FORBIDDEN', 'This broker does not serve this stream');
  }
  const window = requireArchiveWindow(caller.grants, request.streamName, request);
  const toMs = Math.min(window.toMs, endAtMs);
  if (toMs <= window.fromMs) throw new BrokerError('NOT_FOUND', 'No fragments in the requested range');
  return { fromMs: window.fromMs, toMs };
}

const iso = (ms: number) => new Date(ms).toISOString();
const access = (operation: ArchiveAccess['operation'], w: ArchiveWindow) => ({
  archive: { operation, ...w },
});

export const getTimeline: TokenRoute<TimelineRequest> = {
  auth: 'jwt',
  audit: archiveAudit('ListFragments'),
  parse: ({ path, query }) => parseTimelineRequest(path.streamName, query),
  describe: (r) => ({ streamName: r.streamName, ...access('ListFragments', r) }),
  async handle({ input, caller, nowMs, deps }) {
    const window = admit(deps, caller, input, nowMs);
    const archive = archiveOf(deps);
    const result = await buildTimeline(
      { ...window, gapMs: input.gapMs },
      (slice, token, deadlineMs) =>
        archive.listFragments(input.streamName, slice, token, { deadlineMs, maxResults: LIST_PAGE }),
      deps.now,
    );
    return {
      body: {
        json: {
          streamName: input.streamName,
          from: iso(window.fromMs),
          to: iso(result.completeToMs),
          intervals: result.intervals.map((i) => ({ start: iso(i.startMs), end: iso(i.endMs) })),
          truncated: result.truncated,
        },
      },
      audit: {
        ...access('ListFragments', { fromMs: window.fromMs, toMs: result.completeToMs }),
        kvsCalls: result.calls,
        truncated: result.truncated,
      },
    };
  },
};

const CONTENT_TYPE = { JPEG: 'image/jpeg', PNG: 'image/png' } as const;

/** GetImages pages (KVS gives at most 25 a page) until `maxResults` images or the range's end. */
async function imagePages(archive: ArchiveAdapter, input: ImagesRequest, window: ArchiveWindow) {
  const images: ArchiveImage[] = [];
  let token = input.nextToken;
  let calls = 0;
  while (images.length < input.maxResults) {
    calls += 1;
    const page = await archive.getImages(input.streamName, {
      ...input,
      startMs: window.fromMs,
      endMs: window.toMs,
      maxResults: input.maxResults - images.length,
      ...(token ? { nextToken: token } : {}),
    });
    images.push(...page.images);
    token = page.nextToken;
    if (!token || page.images.length === 0) break;
  }
  return { images, calls, ...(token ? { nextToken: token } : {}) };
}

export const getImages: TokenRoute<ImagesRequest> = {
  auth: 'jwt',
  audit: archiveAudit('GetImages'),
  parse: ({ path, query }) => parseImagesRequest(path.streamName, query),
  describe: (r) => ({ streamName: r.streamName, ...access('GetImages', r) }),
  async handle({ input, caller, deps }) {
    const window = admit(deps, caller, input);
    const { images, calls, nextToken } = await imagePages(archiveOf(deps), input, window);
    const returned = images.filter((i) => 'data' in i).length;
    return {
      body: {
        json: {
          streamName: input.streamName,
          images: images.map((i) =>
            'data' in i
              ? { timestamp: iso(i.timestampMs), contentType: CONTENT_TYPE[input.format], data: i.data }
              : { timestamp: iso(i.timestampMs), error: i.error },
          ),
          ...(nextToken ? { nextToken } : {}),
        },
      },
      audit: { ...access('GetImages', window), kvsCalls: calls, imagesReturned: returned },
    };
  },
};

/** `cam-1_20260115T120000Z.mp4`: the stream and the clip's start, in characters every file system takes. */
export function clipFileName(streamName: string, fromMs: number): string {
  return `${streamName}_${iso(fromMs)
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}.mp4`;
}

export const getClip: TokenRoute<ClipRequest> = {
  auth: 'jwt',
  audit: archiveAudit('GetClip'),
  parse: ({ path, query }) => parseClipRequest(path.streamName, query),
  describe: (r) => ({ streamName: r.streamName, ...access('GetClip', r) }),
  async handle({ input, caller, nowMs, deps }) {
    // GetClip's EndTimestamp must be in the past for SERVER_TIMESTAMP (ClipTimestampRange, SDK model)
    const window = admit(deps, caller, input, nowMs);
    const clip = await archiveOf(deps).getClip(input.streamName, {
      startMs: window.fromMs,
      endMs: window.toMs,
    });
    return {
      body: { stream: clip.body },
      headers: {
        'Content-Type': 'video/mp4',
        'Content-Disposition': `attachment; filename="${clipFileName(input.streamName, window.fromMs)}"`,
      },
      audit: access('GetClip', window),
    };
  },
};
