// The Cognito pre token generation trigger (event version V2_0): puts the broker's grants into the tokens Cognito
// is about to issue. Thin glue around mapping.ts.
//
// Event and response shape, as the Amazon Cognito Developer Guide gives them ("Pre token generation Lambda
// trigger", https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html):
// request.groupConfiguration.groupsToOverride (the user's groups), request.userAttributes, request.scopes; the
// response is response.claimsAndScopeOverrideDetails with idTokenGeneration.claimsToAddOrOverride and
// accessTokenGeneration.{claimsToAddOrOverride, scopesToAdd, scopesToSuppress}. Only V2_0 (and V3_0) events may
// customize the ACCESS token, and the guide lists the claim value types V2_0 accepts as string, number, boolean,
// arrays of those, and JSON; an array of grant OBJECTS is not among them for access tokens, so the access token
// gets scopes by default (`kvs:<MODE>:<stream>`, the broker's grantsFrom "scope", docs/api.md), while the ID
// token, where the guide allows complex objects in claim values, gets the `kvs` claim itself.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { grantsToScopes, mapGrants, type CognitoGrantsConfig } from './mapping';

/** Claim values V2_0 accepts; @types/aws-lambda still types them as strings only, as V1_0 had them. */
type ClaimValue = string | number | boolean | readonly unknown[] | { readonly [key: string]: unknown };

interface TokenGeneration {
  claimsToAddOrOverride?: Record<string, ClaimValue>;
  claimsToSuppress?: string[];
}

export interface PreTokenGenerationV2Response {
  claimsAndScopeOverrideDetails: {
    idTokenGeneration?: TokenGeneration;
    accessTokenGeneration?: TokenGeneration & { scopesToAdd?: string[]; scopesToSuppress?: string[] };
  } | null;
}

export type PreTokenGenerationV2Event = Omit<PreTokenGenerationV2TriggerEvent, 'response'> & {
  response: PreTokenGenerationV2Response;
};

export interface PreTokenGenerationOptions {
  config: CognitoGrantsConfig;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** Returns the trigger: the event with its response filled in, as Cognito expects it back. */
export function createPreTokenGenerationHandler({ config, logger }: PreTokenGenerationOptions) {
  return async (event: PreTokenGenerationV2Event): Promise<PreTokenGenerationV2Event> => {
    const { grants, ignored, dropped } = mapGrants(config, {
      groups: event.request.groupConfiguration?.groupsToOverride ?? [],
      userAttributes: event.request.userAttributes ?? {},
    });
    const claim = { [config.claimName]: grants };
    const withClaim = config.accessToken === 'claim' || config.accessToken === 'both';
    const withScopes = config.accessToken === 'scope' || config.accessToken === 'both';
    const { scopes, unsaid } = withScopes
      ? grantsToScopes(grants, config.scopePrefix)
      : { scopes: [], unsaid: 0 };
    // scopes under our prefix come from this trigger only, never from what the client asked for
    const foreign = (event.request.scopes ?? []).filter((s) => s.startsWith(`${config.scopePrefix}:`));

    const accessTokenGeneration = {
      ...(withClaim ? { claimsToAddOrOverride: claim } : {}),
      ...(withScopes && scopes.length > 0 ? { scopesToAdd: scopes } : {}),
      ...(foreign.length > 0 ? { scopesToSuppress: foreign } : {}),
    };
    event.response = {
      claimsAndScopeOverrideDetails: {
        ...(config.idToken ? { idTokenGeneration: { claimsToAddOrOverride: claim } } : {}),
        ...(Object.keys(accessTokenGeneration).length > 0 ? { accessTokenGeneration } : {}),
      },
    };
    // counts only: never attribute values, which may hold personal data
    const summary = {
      triggerSource: event.triggerSource,
      groups: event.request.groupConfiguration?.groupsToOverride?.length ?? 0,
      grants: grants.length,
      scopes: scopes.length,
      ignored,
      dropped,
      notAsScope: unsaid,
    };
    if (ignored > 0 || dropped > 0 || unsaid > 0) logger.warn('kvs grants: some left out', summary);
    else logger.info('kvs grants', summary);
    return event;
  };
}
