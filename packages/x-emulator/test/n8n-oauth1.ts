// OAuth 1.0a signing exactly as n8n-core does it (its own copy of the oauth-1.0a package, HMAC-SHA1), so tests
// prove the emulator accepts what n8n sends.
import { createHmac } from 'node:crypto';
import * as path from 'node:path';
import type OAuthClient from 'oauth-1.0a';

// Resolved from n8n-core's location, so the tests use the version n8n-core depends on.
const OAuth: typeof OAuthClient = require(require.resolve('oauth-1.0a', { paths: [path.dirname(require.resolve('n8n-core'))] }));

export type { OAuthClient };

/** A signer like n8n-core's requestOAuth1; timestamps come from `now` (ms), normally the emulator clock. */
export function n8nOAuth1(consumer: OAuthClient.Consumer, now: () => number): OAuthClient {
	const oauth = new OAuth({
		consumer,
		signature_method: 'HMAC-SHA1',
		hash_function(base, key) {
			return createHmac('sha1', key).update(base).digest('base64');
		},
	});
	oauth.getTimeStamp = () => Math.floor(now() / 1000);
	return oauth;
}
