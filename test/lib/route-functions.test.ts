// The route table's functions (lambda/contract/routes.ts `lambda`): API Gateway sends each route to the function its
// row names, the clip through a streamed integration, and each function's role holds only what its routes call.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ROUTES, type RouteLambda } from '../../lambda/contract/routes';
import { KvsSessionBroker } from '../../lib/kvs-session-broker';
import { PLAYBACK_ACTIONS, WEBRTC_ACTIONS } from '../../lib/stream-permissions';
import { asList, newStack, render, testConfig, type PolicyStatementJson } from './fixtures';

const FUNCTIONS: RouteLambda[] = ['broker', 'archive', 'clip', 'webrtc'];
type Json = Record<string, unknown>;

function synth(overrides: Record<string, unknown> = {}) {
  const stack = newStack();
  const broker = new KvsSessionBroker(stack, 'Broker', { config: testConfig(overrides) });
  return { stack, broker, template: Template.fromStack(stack) };
}

describe('routes and their functions', () => {
  let s: ReturnType<typeof synth>;
  beforeAll(() => {
    s = synth();
  });
  const id = (c: IConstruct) => Stack.of(c).getLogicalId(c.node.defaultChild as CfnElement);
  /** The integration of one route's method, as synthesized. */
  function integrationOf(method: string, path: string): Json {
    const construct = s.broker.api.root.resourceForPath(path).node.findChild(method);
    return s.template.toJSON().Resources[id(construct)].Properties.Integration as Json;
  }

  it.each(ROUTES.map((r) => [r.method, r.path, r.lambda] as const))(
    '%s %s goes to the %s function (its row of the route table), as a proxy integration',
    (method, path, lambda) => {
      const integration = integrationOf(method, path);
      expect(integration.Type).toBe('AWS_PROXY');
      const uri = JSON.stringify(integration.Uri);
      for (const other of FUNCTIONS) {
        expect(uri.includes(`"${id(s.broker.functions[other])}"`)).toBe(other === lambda);
      }
    },
  );

  it("streams the clip's answer (REST response streaming): a buffered Lambda answer is at most 6 MB, a clip up to 100 MB", () => {
    const clip = integrationOf('GET', '/v1/streams/{streamName}/clip');
    expect(clip.ResponseTransferMode).toBe('STREAM');
    // Streamed, the integration may outlast the 29 s default: as long as the clip function (2 minutes).
    expect(clip.TimeoutInMillis).toBe(120_000);
    // API Gateway calls a streaming integration through Lambda's InvokeWithResponseStream.
    expect(JSON.stringify(clip.Uri)).toContain('/response-streaming-invocations');
    for (const route of ROUTES.filter((r) => r.lambda !== 'clip')) {
      expect(integrationOf(route.method, route.path).ResponseTransferMode).toBeUndefined();
    }
  });

  it("gives the clip function a streamed answer's time (2 min), and the buffered ones 28 s", () => {
    const timeout = (lambda: RouteLambda) =>
      s.template.toJSON().Resources[id(s.broker.functions[lambda])].Properties.Timeout as number;
    expect(FUNCTIONS.map(timeout)).toEqual([28, 28, 120, 28]);
  });
});

describe('each function role, least privilege', () => {
  /** A function's KVS statements: actions and resources rendered. */
  function kvsOf(broker: KvsSessionBroker, template: Template, lambda: RouteLambda) {
    const role = broker.functions[lambda].role!;
    const roleId = Stack.of(role).getLogicalId(role.node.defaultChild as CfnElement);
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as PolicyStatementJson[])
      .filter((st) => asList(st.Action).some((a) => a.startsWith('kinesisvideo:')))
      .map((st) => ({
        actions: asList(st.Action).sort(),
        resources: asList(st.Resource).map(render).sort(),
      }));
  }
  const streams = [
    'arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:${AWS::AccountId}:stream/cam-1/*',
    'arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:${AWS::AccountId}:stream/site7-*',
  ];

  it('the broker: playback on the streams, ListStreams on *; archive: ListFragments and GetImages; clip: GetClip', () => {
    const { broker, template } = synth();
    expect(kvsOf(broker, template, 'broker')).toEqual([
      { actions: [...PLAYBACK_ACTIONS].sort(), resources: streams },
      { actions: ['kinesisvideo:ListStreams'], resources: ['*'] },
    ]);
    expect(kvsOf(broker, template, 'archive')).toEqual([
      {
        actions: ['kinesisvideo:GetDataEndpoint', 'kinesisvideo:GetImages', 'kinesisvideo:ListFragments'],
        resources: streams,
      },
    ]);
    expect(kvsOf(broker, template, 'clip')).toEqual([
      { actions: ['kinesisvideo:GetClip', 'kinesisvideo:GetDataEndpoint'], resources: streams },
    ]);
    // Without config webrtc the WebRTC function answers 404 and may call nothing.
    expect(kvsOf(broker, template, 'webrtc')).toEqual([]);
  });

  it('the WebRTC function, with config webrtc: the viewer actions on the mapped channels and no stream action', () => {
    const { broker, template } = synth({ webrtc: { channelName: 'rtc-{stream}' } });
    expect(kvsOf(broker, template, 'webrtc')).toEqual([
      {
        actions: [...WEBRTC_ACTIONS].sort(),
        resources: [
          'arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:${AWS::AccountId}:channel/rtc-cam-1/*',
          'arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:${AWS::AccountId}:channel/rtc-site7-*/*',
        ],
      },
    ]);
    for (const other of ['broker', 'archive', 'clip'] as const) {
      expect(kvsOf(broker, template, other).flatMap((st) => st.actions)).not.toContain(
        'kinesisvideo:GetIceServerConfig',
      );
    }
  });
});
