import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

/** The n8n contexts whose helpers make the requests (and refresh OAuth2 tokens). */
export type XApiContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const OAUTH2_CREDENTIAL_TYPE = 'xDmOAuth2Api';
export const OAUTH1_CREDENTIAL_TYPE = 'xDmOAuth1Api';
export type XCredentialType = typeof OAUTH2_CREDENTIAL_TYPE | typeof OAUTH1_CREDENTIAL_TYPE;

/** Who makes the requests: the caller decides which credential is used. */
export interface XApiConnection {
	context: XApiContext;
	credentialType: XCredentialType;
	/** Item the credential is read for (n8n resolves expressions in credentials per item). */
	itemIndex?: number;
}

export interface XApiRequest {
	method: IHttpRequestMethods;
	/** Path below the base URL, starting with `/2/`. */
	path: string;
	/** Query parameters; arrays are sent comma-joined, empty values are dropped. */
	qs?: IDataObject;
	/** JSON body. */
	body?: IDataObject;
}

export interface XApiResponse {
	body: IDataObject;
	headers: IDataObject;
	statusCode: number;
}
