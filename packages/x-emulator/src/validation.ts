// OpenAPI request/response validation over the vendored X spec (openapi-backend + Ajv), with the request errors
// translated into X's invalid-request envelope.
import type { RequestContext } from './context';
import { loadApi, customizeAjv, SPEC_PATH, type AjvError, type Api, type Operation } from './openapi-loader';
import * as responses from './responses';
import { translateAjvErrors } from './validation-messages';
import { toTweetVocabulary, type Query, type Vocabulary } from './vocabulary';

export { loadApi, customizeAjv, SPEC_PATH };

export function findOperation(api: Api, operationId: string): Operation | undefined {
	return api.backend.router.getOperation(operationId);
}

export function matchOperation(api: Api, method: string, requestPath: string): Operation | undefined {
	return api.backend.router.matchOperation({ method, path: requestPath, headers: {} });
}

function mediaTypeOf(headers: RequestContext['headers']): string {
	return String(headers['content-type'] || '')
		.split(';')[0]
		.trim()
		.toLowerCase();
}

function requestHeaders(headers: RequestContext['headers']): Record<string, string | string[]> {
	return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));
}

/** Throws an invalid-request Reply, or returns the query in the spec's tweet vocabulary and the vocabulary used. */
export function validateRequest(api: Api, ctx: RequestContext & { operation: Operation }): { query: Query; vocabulary: Vocabulary } {
	const operation = ctx.operation;
	const requestBody = operation.requestBody && !('$ref' in operation.requestBody) ? operation.requestBody : undefined;
	if (requestBody && ctx.rawBody.length) {
		const accepted = Object.keys(requestBody.content || {});
		if (!accepted.includes(mediaTypeOf(ctx.headers))) throw responses.contentTypeRequired();
		if (ctx.jsonInvalid) {
			throw responses.invalidRequest([{ parameters: {}, message: 'Request body is not valid JSON.' }]);
		}
	} else if (requestBody?.required && !ctx.rawBody.length) {
		throw responses.invalidRequest([{ parameters: {}, message: 'Request body is required.' }]);
	}
	const { query, renamed, vocabulary } = toTweetVocabulary(ctx.query);
	const result = api.backend.validator.validateRequest(
		{ method: ctx.method, path: ctx.path, query: { ...query }, headers: requestHeaders(ctx.headers), body: ctx.json },
		operation,
	);
	if (result.errors) {
		throw responses.invalidRequest(translateAjvErrors(result.errors, { operation, ctx, renamed }));
	}
	return { query, vocabulary };
}

// Defects of the vendored spec that real responses cannot satisfy: MediaUploadResponse lists `meta` as required
// without defining it, and the documented media responses carry no `meta`.
const KNOWN_SPEC_DEFECTS = [
	{
		operationIds: ['mediaUpload', 'initializeMediaUpload', 'appendMediaUpload', 'finalizeMediaUpload', 'getMediaUploadStatus'],
		instancePath: '',
		missingProperty: 'meta',
	},
];

function isKnownDefect(operation: Operation, error: AjvError): boolean {
	return KNOWN_SPEC_DEFECTS.some(
		(defect) =>
			defect.operationIds.includes(operation.operationId ?? '') &&
			error.keyword === 'required' &&
			error.instancePath === defect.instancePath &&
			(error.params as { missingProperty?: unknown }).missingProperty === defect.missingProperty,
	);
}

function describeAjvError(error: AjvError): string {
	return `${error.instancePath || '/'} ${error.message}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`;
}

/** The schema violations of a response (empty when it conforms). */
export function checkResponse(api: Api, operation: Operation, response: { status: number; body: unknown }): string[] {
	const body = response.body;
	if (!body || typeof body !== 'object' || Buffer.isBuffer(body)) return [];
	if (response.status < 400) {
		const result = api.backend.validator.validateResponse(body, operation, response.status);
		return (result.errors || []).filter((error) => !isKnownDefect(operation, error)).map(describeAjvError);
	}
	// Error bodies: problems by their type (the spec's discriminator mapping), anything else as the legacy Error.
	const record = body as Record<string, unknown>;
	const { byTypeSuffix, problem, error: legacyError } = api.problemValidators;
	let validate = legacyError;
	if (typeof record.type === 'string') {
		const suffix = record.type === 'about:blank' ? record.type : record.type.split('/problems/')[1];
		validate = byTypeSuffix[suffix] || api.fallbackProblemValidators?.byTypeSuffix[suffix] || problem;
	}
	return validate(body) ? [] : (validate.errors || []).map(describeAjvError);
}
