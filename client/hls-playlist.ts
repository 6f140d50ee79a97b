// Keeps HLS media sequence numbers continuous across sessions. KVS numbers a session's media playlist from the
// session's first fragment (EXT-X-MEDIA-SEQUENCE starts at 0 for every session, and with DiscontinuityMode ALWAYS
// so does EXT-X-DISCONTINUITY-SEQUENCE), so the first playlist of a renewed session would look to the player
// like a restarted stream and stall it for seconds. Fragments keep their identity across sessions (the
// FragmentNumber in their URL), so a playlist is renumbered to continue the numbers the player already has for
// the fragments both sessions list.

const TOKEN_PARAM = /([?&])SessionToken=[^&#]*&?/;

/** A segment's URI without its SessionToken: the same fragment, whichever session lists it. */
function fragmentKey(uri: string): string {
  return uri.replace(TOKEN_PARAM, '$1').replace(/[?&]$/, '');
}

interface Numbers {
  sequence: number;
  discontinuity: number;
}

interface ParsedPlaylist {
  lines: string[];
  sequence: number;
  discontinuity: number;
  /** Each segment's key and its numbers, as the playlist states them. */
  segments: { key: string; numbers: Numbers }[];
}

function parse(text: string): ParsedPlaylist | undefined {
  const lines = text.split('\n');
  const header = (tag: string) => {
    const line = lines.find((l) => l.startsWith(`${tag}:`));
    return line === undefined ? undefined : Number(line.slice(tag.length + 1).trim());
  };
  const sequence = header('#EXT-X-MEDIA-SEQUENCE') ?? 0;
  const discontinuity = header('#EXT-X-DISCONTINUITY-SEQUENCE') ?? 0;
  if (!Number.isInteger(sequence) || !Number.isInteger(discontinuity)) return undefined;
  const segments: ParsedPlaylist['segments'] = [];
  let tags = 0;
  let tagsBeforeFirst: number | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '#EXT-X-DISCONTINUITY') tags++;
    if (line === '' || line.startsWith('#')) continue;
    tagsBeforeFirst ??= tags;
    segments.push({
      key: fragmentKey(line),
      numbers: {
        sequence: sequence + segments.length,
        discontinuity: discontinuity + tags - tagsBeforeFirst,
      },
    });
  }
  return { lines, sequence, discontinuity, segments };
}

export interface PlaylistContinuity {
  /** `text` (a media playlist fetched from `url`) renumbered to continue what this playlist URL had before. */
  rewrite(url: string, text: string): string;
}

export function createPlaylistContinuity(): PlaylistContinuity {
  /** Per playlist (its URL without token): the offsets in force and the numbers the player was given. */
  const playlists = new Map<string, { offset: Numbers; given: Map<string, Numbers> }>();

  return {
    rewrite(url, text) {
      if (!text.includes('#EXTINF')) return text; // a master playlist, or not a playlist
      const parsed = parse(text);
      if (parsed === undefined || parsed.segments.length === 0) return text;
      const key = fragmentKey(url);
      const state = playlists.get(key) ?? { offset: { sequence: 0, discontinuity: 0 }, given: new Map() };
      const common = parsed.segments.find((s) => state.given.has(s.key));
      if (common !== undefined) {
        const before = state.given.get(common.key)!;
        state.offset = {
          sequence: before.sequence - common.numbers.sequence,
          discontinuity: before.discontinuity - common.numbers.discontinuity,
        };
      }
      // no fragment in common (a gap longer than the live window): the last offsets are the best guess
      state.given = new Map(
        parsed.segments.map((s) => [
          s.key,
          {
            sequence: s.numbers.sequence + state.offset.sequence,
            discontinuity: s.numbers.discontinuity + state.offset.discontinuity,
          },
        ]),
      );
      playlists.set(key, state);
      if (state.offset.sequence === 0 && state.offset.discontinuity === 0) return text;
      return renumber(parsed, state.offset);
    },
  };
}

/** The playlist with its sequence headers moved by `offset` (added after #EXTM3U where it had none). */
function renumber(parsed: ParsedPlaylist, offset: Numbers): string {
  const sequence = `#EXT-X-MEDIA-SEQUENCE:${parsed.sequence + offset.sequence}`;
  const discontinuity = `#EXT-X-DISCONTINUITY-SEQUENCE:${parsed.discontinuity + offset.discontinuity}`;
  const lines = parsed.lines.map((line) => {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) return sequence;
    if (line.startsWith('#EXT-X-DISCONTINUITY-SEQUENCE:')) return discontinuity;
    return line;
  });
  const missing = [
    ...(lines.includes(sequence) ? [] : [sequence]),
    ...(lines.includes(discontinuity) || offset.discontinuity === 0 ? [] : [discontinuity]),
  ];
  return [lines[0]!, ...missing, ...lines.slice(1)].join('\n');
}
