import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

// dm.read is documented as "required with dm.write"; media.write is needed to upload attachments.
export const X_DM_OAUTH2_SCOPES: readonly string[] = ['tweet.read', 'users.read', 'dm.read', 'dm.write', 'offline.access', 'media.write'];

export class XDmOAuth2Api implements ICredentialType {
	name = 'xDmOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'X DM OAuth2 API';

	// A community package documents its credentials itself: a full URL, as @n8n/community-nodes requires.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-nodes-x-dm/n8n-nodes-x-dm#credentials';

	icon: Icon = { light: 'file:../icons/x-dm.svg', dark: 'file:../icons/x-dm.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName:
				'In the X developer portal, set the app permissions to "Read and write and Direct message", choose the app type "Web App, Automated App or Bot" (so it has a client secret) and add the OAuth Redirect URL shown below as a callback URL.',
			name: 'appSetupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'pkce',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: 'https://x.com/i/oauth2/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: 'https://api.x.com/2/oauth2/token',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: X_DM_OAUTH2_SCOPES.join(' '),
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.x.com',
			description:
				'Base URL of the X API. Change it only to go through a proxy or to use a local emulator. Must be https; plain http only for localhost, 127.0.0.0/8 and [::1].',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the Instant Trigger: the API Key ("Consumer Key") of the same X app, from the developer portal under Keys and tokens. It registers the webhook and answers X\'s security checks. Other nodes do not need it.',
		},
		{
			displayName: 'API Key Secret',
			name: 'apiKeySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only for the Instant Trigger: the API Key Secret ("Consumer Secret") of the same X app. It signs the answers to X\'s webhook checks and verifies that deliveries come from X.',
		},
	];
}
