import { loadProfile } from '@haven/core/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAgency, makeUser, sessionFor } from '../../../../server/src/test-support/server.js';
import { describeViolations, seriousAccessibilityViolations, startWebTest, type WebTest } from '../../test-support/browser';

// A boat the sea rescue NGO registers is handed over by the profile's rule to the protection
// officer's agency: her case page tells the story in names (issue 17 point 1).
describe('a handed-over case in Chromium', () => {
  let web: WebTest;
  let personId: string;

  beforeAll(async () => {
    web = await startWebTest();
    const { platform } = web.server;
    const rescue = await makeAgency(platform, 'Sea Rescue South', 'ngo');
    platform.profile = loadProfile({
      id: 'browser-handover',
      handover: [{ from: 'Sea Rescue South', to: 'Coast Guard North', atOnce: ['child', 'medical_emergency'], within: 'PT6H', keepAccessFor: 'P3D' }],
    });
    await web.makeUser('protection_officer', 'officer.handover');
    const rescuer = await sessionFor(web.server, await makeUser(platform, rescue, 'first_responder', 'rescuer.handover'));
    const boat = await rescuer.post('/api/encounters', { type: 'rescue_at_sea', occurredAt: new Date(web.server.clock.now().getTime() - 60_000).toISOString(), place: { name: 'Southern shoal' } });
    const registered = await rescuer.post(`/api/encounters/${boat.body.id}/persons`, { persons: [{ givenName: 'Hiwet', familyName: 'Kidane', sex: 'female', ageClaimed: 15, accompaniment: 'unaccompanied' }] });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    personId = registered.body.persons[0].id;
  });
  afterAll(() => web?.close());

  it('shows who registered the case, the handover with its take-up deadline, in names', async () => {
    const { page } = web;
    await web.signIn('officer.handover');
    await page.goto(`${web.baseUrl}/cases/${personId}`);
    const history = page.getByTestId('case-history');
    await history.locator('li').nth(1).waitFor({ timeout: 60_000 });
    const text = await history.innerText();
    expect(text).toContain('Registered by rescuer.handover (Sea Rescue South)');
    expect(text).toContain('Handed over by Sea Rescue South to Coast Guard North (handover rule 1)');
    expect(text).toContain('To be taken up by');
    expect(text).toContain('Sea Rescue South keeps access to the identity until');
    expect(await page.getByRole('heading', { name: 'History', level: 2 }).count()).toBe(1);
    expect(describeViolations(await seriousAccessibilityViolations(page))).toBe('');
  });
});
