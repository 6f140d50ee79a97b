// The routes of the archive function (`lambda: 'archive'`): the timeline and the images, buffered JSON answers.
import { getImages, getTimeline } from '../archive';

export function archiveLambdaRoutes() {
  return { getTimeline, getImages };
}
