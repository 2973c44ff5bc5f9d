import type {
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

export class XDmOAuth1Api implements ICredentialType {
	name = 'xDmOAuth1Api';

	extends = ['oAuth1Api'];

	displayName = 'X DM OAuth1 API';

	// A community package documents its credentials itself: a full URL, as @n8n/community-nodes requires.
	// eslint-disable-next-line n8n-nodes-base/cred-class-field-documentation-url-miscased
	documentationUrl = 'https://github.com/n8n-nodes-x-dm/n8n-nodes-x-dm#credentials';

	icon: Icon = { light: 'file:../icons/x-dm.svg', dark: 'file:../icons/x-dm.dark.svg' };

	properties: INodeProperties[] = [
		{
			displayName:
				'In the X developer portal, set the app permissions to "Read and write and Direct message" (X refuses DM access otherwise) and add the OAuth Callback URL shown below as a callback URL. Reconnect after changing the permissions.',
			name: 'appSetupNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Request Token URL',
			name: 'requestTokenUrl',
			type: 'hidden',
			default: 'https://api.x.com/oauth/request_token',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: 'https://api.x.com/oauth/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: 'https://api.x.com/oauth/access_token',
		},
		{
			displayName: 'Signature Method',
			name: 'signatureMethod',
			type: 'hidden',
			default: 'HMAC-SHA1',
		},
		{
			displayName: 'API Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.x.com',
			description:
				'Base URL of the X API. Change it only to go through a proxy or to use a local emulator. Must be https; plain http only for localhost, 127.0.0.0/8 and [::1].',
		},
	];

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/2/users/me',
			method: 'GET',
		},
	};
}
