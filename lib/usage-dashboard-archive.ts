// The archive routes' usage on the dashboard (README, "Usage and cost report"): the clips KVS metered
// (GetClip.OutgoingBytes per stream, priced as KVS data consumed) and the images the broker returned (the
// ImagesReturned metric for the total, the `kvs-archive` audit lines per stream), each with a cost line when it has
// a price. KVS's pricing page (aws.amazon.com/kinesis/video-streams/pricing) lists data consumed per GB; we found no
// per-image price for GetImages in it or in its transcriptions, so images are priced only with `pricePer1000Images`,
// as the usage report's `--price-per-1000-images`.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { PRICE_CURRENCY } from '../lambda/core/usage-attribution';
import { IMAGES_RETURNED } from './telemetry';
import {
  bytesCostExpression,
  imagesCostExpression,
  imagesByStreamQuery,
  imagesReturnedSum,
  kvsBytesSearch,
  renderQuery,
  type KvsPlaybackByteMetric,
} from './usage-metrics';

const CLIP_BYTES: KvsPlaybackByteMetric = 'GetClip.OutgoingBytes';

export interface ArchiveWidgetsProps {
  readonly periodSeconds: number;
  /** Config `streams`: one clip-bytes series per matching stream. */
  readonly streams: readonly string[];
  /** The log groups holding the `kvs-archive` audit lines (the route functions'). */
  readonly logGroupNames: readonly string[];
  readonly pricePerGb: number;
  readonly pricePer1000Images: number | undefined;
}

/** The label of the images series: its price, or why it has none. */
export function imagesLabel(pricePer1000Images: number | undefined): string {
  return pricePer1000Images === undefined
    ? `${IMAGES_RETURNED} (not priced: KVS publishes no per-image price we could find; set pricePer1000Images)`
    : IMAGES_RETURNED;
}

export function archiveUsageWidgets(props: ArchiveWidgetsProps): cloudwatch.IWidget[] {
  const period = Duration.seconds(props.periodSeconds);
  const expression = (text: string, label: string) =>
    new cloudwatch.MathExpression({ expression: text, label, period, usingMetrics: {} });
  const patterns = props.streams.includes('*') ? ['*'] : [...new Set(props.streams)];
  const allClipBytes = `SUM(${kvsBytesSearch(CLIP_BYTES, '*', props.periodSeconds)})`;
  const images = imagesReturnedSum(props.periodSeconds);
  const imagesPrice = props.pricePer1000Images;
  return [
    new cloudwatch.GraphWidget({
      title: 'Archive: clip bytes per stream (GetClip.OutgoingBytes) / their cost, all streams',
      width: 8,
      left: patterns.map((pattern) =>
        expression(kvsBytesSearch(CLIP_BYTES, pattern, props.periodSeconds), ''),
      ),
      right: [
        expression(
          bytesCostExpression(allClipBytes, props.pricePerGb),
          `GetClip cost (${PRICE_CURRENCY} at ${props.pricePerGb} per GB of data consumed)`,
        ),
      ],
      leftYAxis: { label: 'bytes', min: 0, showUnits: false },
      rightYAxis: { label: PRICE_CURRENCY, min: 0, showUnits: false },
    }),
    new cloudwatch.GraphWidget({
      title: 'Archive: images returned, all streams (GetImages)',
      width: 8,
      left: [expression(images, imagesLabel(imagesPrice))],
      right:
        imagesPrice === undefined
          ? []
          : [
              expression(
                imagesCostExpression(images, imagesPrice),
                `GetImages cost (${PRICE_CURRENCY} at ${imagesPrice} per 1,000 images)`,
              ),
            ],
      leftYAxis: { label: 'images', min: 0, showUnits: false },
      rightYAxis: { label: PRICE_CURRENCY, min: 0, showUnits: false },
    }),
    new cloudwatch.LogQueryWidget({
      title: 'Audit: images returned per stream (GetImages granted)',
      width: 8,
      height: 6,
      logGroupNames: [...props.logGroupNames],
      queryString: renderQuery(imagesByStreamQuery()).replace(/ \| /g, '\n| '),
      view: cloudwatch.LogQueryVisualizationType.TABLE,
    }),
  ];
}
