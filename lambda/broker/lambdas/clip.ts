// The route of the clip function (`lambda: 'clip'`): GET /v1/streams/{streamName}/clip, a Lambda that streams its
// answer (the MP4 may be larger than Lambda's 6 MB buffered response payload).
import { getClip } from '../archive';

export function clipLambdaRoutes() {
  return { getClip };
}
