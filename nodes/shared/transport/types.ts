import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

// Shared by the request loop and the error messages; kept apart so that errors.ts needs nothing from request.ts.
export type XApiContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export const OAUTH2_CREDENTIAL_TYPE = 'xDmOAuth2Api';
export const OAUTH1_CREDENTIAL_TYPE = 'xDmOAuth1Api';

export interface XApiRequestOptions {
	method: IHttpRequestMethods;
	/** Path below the base URL, starting with `/2/`. */
	path: string;
	/** Query parameters; arrays are sent comma-joined, empty values are dropped. */
	qs?: IDataObject;
	/** JSON body. */
	body?: IDataObject;
	itemIndex?: number;
	/** The request creates a DM: an unknown outcome is reported as "may or may not have been sent". */
	isSend?: boolean;
	/** Overrides the node's "Max Rate-Limit Wait" option (seconds, 0 = never wait). */
	maxRateLimitWaitSeconds?: number;
	/** Overrides the node's "Timeout" option. */
	timeoutMs?: number;
}

export interface XApiResponse {
	body: IDataObject;
	headers: IDataObject;
	statusCode: number;
}
