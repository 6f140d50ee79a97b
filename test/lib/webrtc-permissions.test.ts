// The broker role's WebRTC rights: the four viewer actions on the channel ARNs config `streams` maps to through
// `webrtc.channelName`, and none at all without config `webrtc` (test/lib/kvs-session-broker.test.ts holds that
// the default template has no KVS action beyond playback and ListStreams).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Template } from 'aws-cdk-lib/assertions';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { channelResourceNames, WEBRTC_ACTIONS } from '../../lib/stream-permissions';
import { asList, newStack, render, testConfig, type PolicyStatementJson } from './fixtures';

describe('channelResourceNames', () => {
  it('maps exact names and prefixes through the template, one channel per creation time', () => {
    expect(channelResourceNames('{stream}', ['cam-1', 'site7-*'])).toEqual(['cam-1/*', 'site7-*/*']);
    expect(channelResourceNames('rtc-{stream}', ['*'])).toEqual(['rtc-*/*']);
    expect(channelResourceNames('{stream}-live', ['site7-*', 'site7-door'])).toEqual(['site7-*-live/*']);
  });
});

describe('broker role with config webrtc', () => {
  let statements: PolicyStatementJson[];
  beforeAll(() => {
    const stack = newStack('WebrtcStack');
    new KvsSessionBroker(stack, 'Broker', {
      config: testConfig({ webrtc: { channelName: 'rtc-{stream}' } }),
    });
    statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as PolicyStatementJson[],
    );
  });

  it('allows exactly the four viewer actions, only on the mapped channel ARNs', () => {
    const webrtc = statements.filter((s) =>
      asList(s.Action).some((a) => (WEBRTC_ACTIONS as readonly string[]).includes(a)),
    );
    expect(webrtc).toHaveLength(1);
    expect(asList(webrtc[0]!.Action).sort()).toEqual([...WEBRTC_ACTIONS].sort());
    expect(asList(webrtc[0]!.Resource).map(render).sort()).toEqual([
      'arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:${AWS::AccountId}:channel/rtc-cam-1/*',
      'arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:${AWS::AccountId}:channel/rtc-site7-*/*',
    ]);
  });
});
