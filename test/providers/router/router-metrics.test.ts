import { describe, expect, it } from 'vitest';
import { offlineDeployment, type RouteDecision, type RouterMetrics } from '../../../src/providers/index.js';
import { collect, textOf } from '../support/collect.js';
import { fakeDeployment, testRouter, userRequest } from '../support/deployments.js';
import { fakeProvidersClosedAfterEach } from '../support/fake-providers.js';
import { offlineTool } from '../support/tools.js';

const replyText = 'Three calm jazz tracks for studying.';

const fake = fakeProvidersClosedAfterEach();

/** A recorder that keeps what the router told it. */
function recorded() {
  const decisions: Array<Pick<RouteDecision, 'deploymentId' | 'cause'>> = [];
  const attempts: string[] = [];
  const metrics: RouterMetrics = {
    routed: ({ deploymentId, cause }) => decisions.push({ deploymentId, cause }),
    attempted: ({ deploymentId, outcome }) => attempts.push(`${deploymentId}:${outcome}`),
  };
  return { metrics, decisions, attempts };
}

describe('the router tells its metrics why it picked each deployment and how each attempt went', () => {
  it('counts a failover to another deployment after a 500', async () => {
    const broken = await fake('openai', { fault: 'server-error' });
    const healthy = await fake('anthropic', { reply: { text: replyText } });
    const { metrics, decisions, attempts } = recorded();
    const { router } = testRouter(
      [
        fakeDeployment('primary', 'openai', broken.baseURL, { inputPricePerMillion: 0.1 }),
        fakeDeployment('secondary', 'anthropic', healthy.baseURL, { inputPricePerMillion: 5 }),
      ],
      { policy: 'cheapest', metrics },
    );
    expect(textOf(await collect(router.stream(userRequest())))).toBe(replyText);
    expect(decisions).toEqual([
      { deploymentId: 'primary', cause: 'policy' },
      { deploymentId: 'secondary', cause: 'failover' },
    ]);
    expect(attempts).toEqual(['primary:error', 'secondary:ok']);
  });

  it('counts a retry on the only deployment, then the offline fallback as last resort', async () => {
    const broken = await fake('openai', { fault: 'server-error' });
    const { metrics, decisions, attempts } = recorded();
    const { router } = testRouter(
      [fakeDeployment('primary', 'openai', broken.baseURL), offlineDeployment(offlineTool)],
      { metrics },
    );
    await collect(router.stream(userRequest()));
    expect(decisions).toEqual([
      { deploymentId: 'primary', cause: 'policy' },
      { deploymentId: 'primary', cause: 'retry' },
      { deploymentId: 'offline', cause: 'last_resort' },
    ]);
    expect(attempts).toEqual(['primary:error', 'primary:error', 'offline:ok']);
  });

  it('counts an exploration of an idle deployment', async () => {
    const first = await fake('openai', { reply: { text: replyText } });
    const second = await fake('anthropic', { reply: { text: replyText } });
    const { metrics, decisions } = recorded();
    const { router } = testRouter(
      [fakeDeployment('one', 'openai', first.baseURL), fakeDeployment('two', 'anthropic', second.baseURL)],
      // A draw below the share explores; both are unmeasured, so both are idle.
      { metrics, settings: { explorationShare: 0.5 }, random: () => 0.1 },
    );
    await collect(router.stream(userRequest()));
    expect(decisions.map((decision) => decision.cause)).toEqual(['exploration']);
  });
});
