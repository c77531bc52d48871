import { describe, expect, it } from 'vitest';
import { connectionText } from '../../../src/slack/ui/sources.ui.ts';
import { buildConnection } from './factories.ts';

/** The confirmation decides by the warning's code, never by its wording. */
describe('connectionText and Test Connection warnings', () => {
  it('warns about expiry when Test Connection says the token expires soon, whatever its wording', () => {
    const text = connectionText(
      buildConnection({
        daysToExpiry: 30,
        warnings: [{ code: 'TOKEN_EXPIRES_SOON', message: 'Reworded: thirty days left on this token.' }],
      }),
    );
    expect(text).toContain(
      ':warning: The token expires in 30 days: create a new one before then and edit the source.',
    );
    expect(text).not.toContain('Reworded');
    expect(text.match(/:warning:/g)).toHaveLength(1);
  });

  it('says "today" on the last day', () => {
    const text = connectionText(
      buildConnection({
        daysToExpiry: 0,
        warnings: [{ code: 'TOKEN_EXPIRES_SOON', message: 'The GitLab token expires today (2026-03-10).' }],
      }),
    );
    expect(text).toContain(':warning: The token expires today: create a new one before then');
  });

  it('states a far expiry plainly, without a warning', () => {
    const text = connectionText(buildConnection({ daysToExpiry: 31, warnings: [] }));
    expect(text).toContain('The token expires in 31 days.');
    expect(text).not.toContain(':warning:');
  });

  it('shows every other warning, even one whose words mention an expiry', () => {
    const text = connectionText(
      buildConnection({
        scopes: null,
        expiresAt: null,
        daysToExpiry: null,
        warnings: [
          {
            code: 'TOKEN_DETAILS_UNKNOWN',
            message: 'GitLab did not say when it expires in 5 days or ever: note the <expiry> date.',
          },
        ],
      }),
    );
    expect(text).toContain('The token has no expiry date GitLab could tell.');
    expect(text).toContain(
      ':warning: GitLab did not say when it expires in 5 days or ever: note the &lt;expiry&gt; date.',
    );
  });
});
