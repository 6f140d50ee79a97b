import { describe, expect, it } from '@jest/globals';
import {
  DescribeStreamCommand,
  GetDataEndpointCommand,
  ListStreamsCommand,
  type APIName,
  type ListStreamsCommandInput,
} from '@aws-sdk/client-kinesis-video';
import { emulatorFixture, errorOf } from './support';

const siteStreams = Array.from({ length: 12 }, (_, i) => `site7-cam-${String(i).padStart(2, '0')}`);

describe('KVS emulator control plane, through the real SDK client', () => {
  const fx = emulatorFixture({
    streams: [
      { name: 'cam-lobby', dataRetentionInHours: 48, mediaType: 'video/h265,audio/aac' },
      ...siteStreams.map((name) => ({ name })),
    ],
    enforceQuotas: false,
  });

  describe('GetDataEndpoint', () => {
    it.each<APIName>([
      'GET_DASH_STREAMING_SESSION_URL',
      'GET_HLS_STREAMING_SESSION_URL',
      'GET_MEDIA',
      'PUT_MEDIA',
      'LIST_FRAGMENTS',
      'GET_MEDIA_FOR_FRAGMENT_LIST',
      'GET_CLIP',
      'GET_IMAGES',
    ])('returns the emulator itself as the data endpoint for %s', async (APIName) => {
      const out = await fx.kvs.send(new GetDataEndpointCommand({ StreamName: 'cam-lobby', APIName }));
      expect(out.DataEndpoint).toBe(fx.emu.endpoint);
      expect(out.DataEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it('accepts the stream ARN instead of the name', async () => {
      const StreamARN = 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-lobby/1700000000000';
      const out = await fx.kvs.send(
        new GetDataEndpointCommand({ StreamARN, APIName: 'GET_HLS_STREAMING_SESSION_URL' }),
      );
      expect(out.DataEndpoint).toBe(fx.emu.endpoint);
    });
  });

  describe('DescribeStream', () => {
    it('describes a stream as KVS does', async () => {
      const out = await fx.kvs.send(new DescribeStreamCommand({ StreamName: 'cam-lobby' }));
      expect(out.StreamInfo).toEqual({
        StreamName: 'cam-lobby',
        StreamARN: 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-lobby/1700000000000',
        MediaType: 'video/h265,audio/aac',
        KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo',
        Version: expect.stringMatching(/^[0-9a-f]{20}$/),
        Status: 'ACTIVE',
        CreationTime: new Date(1_700_000_000_000),
        DataRetentionInHours: 48,
      });
      expect(fx.emu.streamArn('cam-lobby')).toBe(out.StreamInfo?.StreamARN);
    });

    it('finds the same stream by ARN', async () => {
      const byName = await fx.kvs.send(new DescribeStreamCommand({ StreamName: 'cam-lobby' }));
      const byArn = await fx.kvs.send(new DescribeStreamCommand({ StreamARN: byName.StreamInfo?.StreamARN }));
      expect(byArn.StreamInfo).toEqual(byName.StreamInfo);
    });

    it.each([
      ['an unknown name', { StreamName: 'cam-nope' }, /cam-nope/],
      [
        'an ARN of another account',
        { StreamARN: 'arn:aws:kinesisvideo:us-east-1:999999999999:stream/cam-lobby/1700000000000' },
        /999999999999/,
      ],
      [
        'an ARN of another region',
        { StreamARN: 'arn:aws:kinesisvideo:eu-west-1:123456789012:stream/cam-lobby/1700000000000' },
        /eu-west-1/,
      ],
      [
        'an ARN with another creation time',
        { StreamARN: 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-lobby/1' },
        /cam-lobby\/1 /,
      ],
    ])('answers ResourceNotFoundException (404) for %s', async (_case, input, mentions) => {
      const err = await errorOf(fx.kvs.send(new DescribeStreamCommand(input)));
      expect(err).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
      expect(err.message).toMatch(mentions);
    });
  });

  describe('ListStreams', () => {
    async function listAll(input: ListStreamsCommandInput) {
      const pages: string[][] = [];
      let NextToken: string | undefined;
      do {
        const out = await fx.kvs.send(new ListStreamsCommand({ ...input, NextToken }));
        pages.push((out.StreamInfoList ?? []).map((s) => s.StreamName ?? ''));
        NextToken = out.NextToken;
      } while (NextToken !== undefined);
      return pages;
    }

    it('lists every stream, sorted by name, in one page by default', async () => {
      const out = await fx.kvs.send(new ListStreamsCommand({}));
      expect(out.StreamInfoList?.map((s) => s.StreamName)).toEqual(['cam-lobby', ...siteStreams]);
      expect(out.NextToken).toBeUndefined();
      expect(out.StreamInfoList?.[0]?.Status).toBe('ACTIVE');
    });

    it('pages through with MaxResults and NextToken', async () => {
      const pages = await listAll({ MaxResults: 5 });
      expect(pages.map((p) => p.length)).toEqual([5, 5, 3]);
      expect(pages.flat()).toEqual(['cam-lobby', ...siteStreams]);
    });

    it('filters by name prefix (BEGINS_WITH), together with paging', async () => {
      const pages = await listAll({
        MaxResults: 10,
        StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: 'site7-' },
      });
      expect(pages.map((p) => p.length)).toEqual([10, 2]);
      expect(pages.flat()).toEqual(siteStreams);
    });

    it('returns an empty list for a prefix nothing starts with', async () => {
      const out = await fx.kvs.send(
        new ListStreamsCommand({
          StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: 'zzz' },
        }),
      );
      expect(out).toMatchObject({ StreamInfoList: [] });
      expect(out.NextToken).toBeUndefined();
    });

    it('sees streams added at run time', async () => {
      fx.emu.putStream({ name: 'site7-cam-99' });
      try {
        const pages = await listAll({
          StreamNameCondition: { ComparisonOperator: 'BEGINS_WITH', ComparisonValue: 'site7-cam-9' },
        });
        expect(pages.flat()).toEqual(['site7-cam-99']);
      } finally {
        fx.emu.deleteStream('site7-cam-99');
      }
    });
  });

  describe('parameter validation (InvalidArgumentException, 400)', () => {
    it.each([
      [
        'GetDataEndpoint without APIName',
        () => new GetDataEndpointCommand({ StreamName: 'cam-lobby' } as never),
        /aPIName.*not be null/,
      ],
      [
        'GetDataEndpoint with an unknown APIName',
        () => new GetDataEndpointCommand({ StreamName: 'cam-lobby', APIName: 'GET_ALL' as APIName }),
        /'GET_ALL' at 'aPIName'.*enum value set/,
      ],
      [
        'GetDataEndpoint without a stream',
        () => new GetDataEndpointCommand({ APIName: 'GET_MEDIA' }),
        /StreamName or StreamARN/,
      ],
      [
        'DescribeStream with a name outside [a-zA-Z0-9_.-]',
        () => new DescribeStreamCommand({ StreamName: 'cam 1' }),
        /'cam 1' at 'streamName'.*pattern/,
      ],
      [
        'DescribeStream with a 257-character name',
        () => new DescribeStreamCommand({ StreamName: 'a'.repeat(257) }),
        /streamName.*length less than or equal to 256/,
      ],
      [
        'DescribeStream with a malformed ARN',
        () => new DescribeStreamCommand({ StreamARN: 'arn:aws:s3:::bucket' }),
        /streamARN.*pattern/,
      ],
      [
        'DescribeStream with name and ARN of different streams',
        () =>
          new DescribeStreamCommand({
            StreamName: 'site7-cam-00',
            StreamARN: 'arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-lobby/1700000000000',
          }),
        /different streams/,
      ],
      [
        'ListStreams with MaxResults 0',
        () => new ListStreamsCommand({ MaxResults: 0 }),
        /maxResults.*greater than or equal to 1/,
      ],
      [
        'ListStreams with MaxResults 10001',
        () => new ListStreamsCommand({ MaxResults: 10_001 }),
        /maxResults.*less than or equal to 10000/,
      ],
      [
        'ListStreams with an unknown operator',
        () =>
          new ListStreamsCommand({
            StreamNameCondition: { ComparisonOperator: 'ENDS_WITH' as 'BEGINS_WITH', ComparisonValue: 'x' },
          }),
        /comparisonOperator.*BEGINS_WITH/,
      ],
      [
        'ListStreams with a NextToken it never issued',
        () => new ListStreamsCommand({ NextToken: 'bm90LWEtdG9rZW4=' }),
        /NextToken is not valid/,
      ],
    ])('rejects %s', async (_case, command, message) => {
      const err = await errorOf(fx.kvs.send(command() as never));
      expect(err).toMatchObject({ name: 'InvalidArgumentException', status: 400, fault: 'client' });
      expect(err.message).toMatch(message);
    });

    it('lists every violation in one message, as KVS does', async () => {
      const err = await errorOf(
        fx.kvs.send(new GetDataEndpointCommand({ StreamName: 'bad name!', APIName: 'NOPE' as APIName })),
      );
      expect(err.message).toMatch(/^2 validation errors detected: .*streamName.*; .*aPIName/);
    });
  });
});
