// Turns Ajv errors into the `errors[]` entries of X's invalid-request problem. Parameter messages follow the
// captured wording (x-dm-api.md §3.2; X calls path parameters "query parameters" too); body messages follow the
// JSON-pointer style X uses for request bodies ("$.text: ...").
import type { RequestContext } from './context';
import type { AjvError, Operation } from './openapi-loader';
import type { XInvalidRequestError } from './x-types';

interface ParameterSchema {
	minimum?: number;
	maximum?: number;
	minItems?: number;
	maxItems?: number;
}

type Params = Record<string, unknown>;

function rawParameterValue(ctx: Pick<RequestContext, 'params' | 'query'>, location: string, name: string): string {
	if (location === 'path') return ctx.params?.[name] ?? '';
	return ctx.query[name] ?? '';
}

function listOf(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

function parameterMessage(error: AjvError, name: string, value: string, schema: ParameterSchema = {}): string {
	const quoted = `The \`${name}\` query parameter`;
	const params = error.params as Params;
	switch (error.keyword) {
		case 'enum':
			return `${quoted} value [${value}] is not one of [${listOf(params.allowedValues).join(',')}]`;
		case 'minimum':
		case 'maximum':
			return `${quoted} value [${value}] is not between ${schema.minimum} and ${schema.maximum}`;
		case 'pattern':
			return `${quoted} value [${value}] does not match ${params.pattern}`;
		case 'minItems':
		case 'maxItems':
			return `${quoted} value [${value}] must contain between ${schema.minItems ?? 1} and ${schema.maxItems ?? 'any number of'} items`;
		case 'uniqueItems':
			return `${quoted} value [${value}] contains duplicate items`;
		default:
			return `${quoted} value [${value}] is not valid`;
	}
}

function jsonPath(instancePath: string): string {
	const segments = instancePath.replace(/^\/requestBody/, '').split('/').filter(Boolean);
	return segments.reduce((acc, segment) => (/^[0-9]+$/.test(segment) ? `${acc}[${segment}]` : `${acc}.${segment}`), '$');
}

function jsonType(value: unknown): string {
	if (Array.isArray(value)) return 'array';
	if (value === null) return 'null';
	return Number.isInteger(value) ? 'integer' : typeof value;
}

function valueAt(body: unknown, instancePath: string): unknown {
	return instancePath
		.replace(/^\/requestBody/, '')
		.split('/')
		.filter(Boolean)
		.reduce<unknown>((value, key) => (value == null ? value : (value as Record<string, unknown>)[key]), body);
}

function bodyMessage(error: AjvError, body: unknown): string {
	const at = jsonPath(error.instancePath);
	const params = error.params as Params;
	switch (error.keyword) {
		case 'required':
			return error.instancePath === '' ? '$: a request body is required' : `${at === '$' ? '$' : at}.${params.missingProperty}: is missing but it is required`;
		case 'additionalProperties':
			return `${at}.${params.additionalProperty}: is not defined in the schema and the schema does not allow additional properties`;
		case 'type':
			return `${at}: ${jsonType(valueAt(body, error.instancePath))} found, ${params.type} expected`;
		case 'enum':
			return `${at}: does not have a value in the enumeration [${listOf(params.allowedValues).join(', ')}]`;
		case 'minItems':
			return `${at}: there must be a minimum of ${params.limit} items in the array`;
		case 'maxItems':
			return `${at}: there must be a maximum of ${params.limit} items in the array`;
		case 'minLength':
			return `${at}: must be at least ${params.limit} characters long`;
		case 'maxLength':
			return `${at}: may only be ${params.limit} characters long`;
		case 'pattern':
			return `${at}: does not match the regex pattern ${params.pattern}`;
		default:
			return `${at}: ${error.message}`;
	}
}

function queryParameters(operation: Operation): Array<{ name: string; in: string; schema?: unknown }> {
	return (operation.parameters || []).flatMap((param) => ('$ref' in param ? [] : [param]));
}

function allowedQueryNames(operation: Operation, renamed: Record<string, string>): string[] {
	return queryParameters(operation)
		.filter((param) => param.in === 'query')
		.map((param) => renamed[param.name] || param.name);
}

interface TranslateOptions {
	operation: Operation;
	ctx: Pick<RequestContext, 'params' | 'query' | 'json'>;
	/** Spec name -> the name the request used (post vocabulary). */
	renamed?: Record<string, string>;
}

export function translateAjvErrors(errors: readonly AjvError[], { operation, ctx, renamed = {} }: TranslateOptions): XInvalidRequestError[] {
	const entries: XInvalidRequestError[] = [];
	const seen = new Set<string>();
	const add = (entry: XInvalidRequestError) => {
		const key = JSON.stringify(entry);
		if (!seen.has(key)) {
			seen.add(key);
			entries.push(entry);
		}
	};
	// anyOf reports each failed branch; the branch errors already say what is missing.
	const relevant = errors.filter((error) => error.keyword !== 'anyOf' && error.keyword !== 'if');
	for (const error of relevant) {
		const params = error.params as Params;
		const [, location, specName, index] = error.instancePath.split('/');
		if (location === 'requestBody' || (location === undefined && params?.missingProperty === 'requestBody')) {
			add({ parameters: {}, message: bodyMessage(error, ctx.json) });
			continue;
		}
		if (error.keyword === 'additionalProperties' && specName === undefined) {
			const name = String(params.additionalProperty);
			add({
				parameters: { [name]: [String(ctx.query[name] ?? '')] },
				message: `The query parameter [${name}] is not one of [${allowedQueryNames(operation, renamed).join(',')}]`,
			});
			continue;
		}
		if (error.keyword === 'required' && specName === undefined) {
			const missing = String(params.missingProperty);
			const name = renamed[missing] || missing;
			add({ parameters: { [name]: [] }, message: `The \`${name}\` query parameter can not be empty` });
			continue;
		}
		const name = renamed[specName] || specName;
		const raw = String(rawParameterValue(ctx, location, name));
		const value = index === undefined ? raw : (raw.split(',')[Number(index)] ?? raw);
		const schema = queryParameters(operation).find((param) => param.name === specName)?.schema as ParameterSchema | undefined;
		add({ parameters: { [name]: [raw] }, message: parameterMessage(error, name, value, schema) });
	}
	return entries.length ? entries : [{ parameters: {}, message: 'One or more parameters to your request was invalid.' }];
}
