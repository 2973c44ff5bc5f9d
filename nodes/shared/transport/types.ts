import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

/**
 * What the transport needs of an n8n context (IExecuteFunctions, IPollFunctions and ILoadOptionsFunctions all have
 * it): the credential, and n8n's helpers that sign a request with it and refresh an OAuth2 token. The helpers are
 * called with the context as `this`.
 */
export interface XApiContext {
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
	helpers: {
		httpRequestWithAuthentication(credentialsType: string, requestOptions: IHttpRequestOptions): Promise<unknown>;
		refreshOAuth2Token(credentialsType: string): Promise<unknown>;
		/** n8n's plain request helper: only for the app-only bearer token of the instant trigger (see app-token.ts). */
		httpRequest?(requestOptions: IHttpRequestOptions): Promise<unknown>;
	};
}

export const OAUTH2_CREDENTIAL_TYPE = 'xDmOAuth2Api';
export const OAUTH1_CREDENTIAL_TYPE = 'xDmOAuth1Api';
export type XCredentialType = typeof OAUTH2_CREDENTIAL_TYPE | typeof OAUTH1_CREDENTIAL_TYPE;

/** Who makes the requests: the caller decides which credential is used. */
export interface XApiConnection {
	context: XApiContext;
	credentialType: XCredentialType;
	/** Item the credential is read for (n8n resolves expressions in credentials per item). */
	itemIndex?: number;
	/**
	 * An app-only bearer token (from the credential's API Key and Secret): requests carry it instead of the user's
	 * token, and a 401 is never answered with an OAuth2 refresh. The credential still gives the base URL and secrets.
	 */
	appToken?: string;
}

export interface XApiRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, starting with `/2/`. */
	path: string;
	/** Query parameters; arrays are sent comma-joined, empty values are dropped. */
	qs?: IDataObject;
	/** JSON body. */
	body?: IDataObject;
	/** The answer is raw bytes (a media download): a success keeps them in `bytes`, a failure's JSON is parsed. */
	binary?: boolean;
}

export interface XApiResponse {
	body: IDataObject;
	/** The raw bytes of a successful binary request. */
	bytes?: Buffer;
	headers: IDataObject;
	statusCode: number;
}
