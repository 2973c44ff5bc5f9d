// Builds the openapi-backend instances for the vendored specs, once per module registry (once per process under
// plain Node, once per test file under Jest): the DM document and the Activity/Webhooks document (push delivery).
import * as fs from 'node:fs';
import * as path from 'node:path';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, OpenAPIValidator, ValidationContext, type Operation as BackendOperation, type ValidationResult } from 'openapi-backend';
import type { OpenAPIV3 } from 'openapi-types';

/** An operation of the spec, with its path and method. */
export type Operation = BackendOperation<OpenAPIV3.Document>;

/** The vendored subset of X's OpenAPI document (see PROVENANCE.md). */
export const SPEC_PATH = path.join(__dirname, '..', 'x-api-v2-dm.openapi.json');
/** The vendored 2.167 subset for /2/webhooks*, /2/activity/* and /2/account_activity/* (see PROVENANCE.md). */
export const ACTIVITY_SPEC_PATH = path.join(__dirname, '..', 'x-api-v2-activity.openapi.json');

// Ajv as openapi-backend bundles it (the root node_modules may hold another major version).
type Ajv = ReturnType<OpenAPIValidator['getAjv']>;
export type AjvError = NonNullable<ValidationResult['errors']>[number];
export type ValidateFunction = ReturnType<Ajv['compile']>;

export interface ProblemValidators {
	/** By the part of the problem type after /problems/ ('about:blank' for generic problems). */
	byTypeSuffix: Record<string, ValidateFunction>;
	problem: ValidateFunction;
	/** The legacy { code, message } Error. */
	error: ValidateFunction;
}

export interface Api {
	backend: OpenAPIBackend<OpenAPIV3.Document>;
	problemValidators: ProblemValidators;
	/**
	 * Problem types this document does not list but X answers on every endpoint (about:blank, unsupported-authentication,
	 * conflict, usage-capped, ...): checked against another document's definitions (PROVENANCE.md, known defects).
	 */
	fallbackProblemValidators?: ProblemValidators;
}

function readSpec(specPath = SPEC_PATH): OpenAPIV3.Document {
	return JSON.parse(fs.readFileSync(specPath, 'utf8')) as OpenAPIV3.Document;
}

let cachedSpec: OpenAPIV3.Document | undefined;

/** The parsed spec, read once (never handed to openapi-backend, which dereferences its own copy). */
export function specDocument(): OpenAPIV3.Document {
	cachedSpec ??= readSpec();
	return cachedSpec;
}

/** The scopes the spec's OAuth2UserToken scheme knows. */
export function oauth2Scopes(): string[] {
	const scheme = specDocument().components?.securitySchemes?.OAuth2UserToken;
	if (!scheme || '$ref' in scheme || scheme.type !== 'oauth2') throw new Error('the spec has no OAuth2UserToken scheme');
	return Object.keys(scheme.flows.authorizationCode?.scopes ?? {});
}

// Ajv prints a warning for every unknown format; register everything the spec uses ('integer' is X's own).
export function customizeAjv(ajv: Ajv): Ajv {
	addFormats(ajv);
	ajv.addFormat('integer', { type: 'number', validate: (value: number) => Number.isInteger(value) });
	return ajv;
}

// openapi-backend's own cycle breaker for $ref'd schemas (a private static in its typings).
const decycle = (OpenAPIValidator as unknown as { decycle(schema: object): object }).decycle.bind(OpenAPIValidator);

function schemaNamed(definition: OpenAPIV3.Document, name: string): OpenAPIV3.SchemaObject {
	const schema = definition.components?.schemas?.[name];
	if (!schema || '$ref' in schema) throw new Error(`the spec has no schema ${name}`);
	return schema;
}

// Validators for error bodies: one per problem type (the spec's discriminator mapping), plus the legacy Error.
function compileProblemValidators(backend: OpenAPIBackend<OpenAPIV3.Document>): ProblemValidators {
	const definition = backend.definition;
	const ajv = backend.validator.getAjv(ValidationContext.Response);
	const compile = (schema: object) => ajv.compile(decycle(schema));
	const byTypeSuffix: Record<string, ValidateFunction> = {};
	const mapping = schemaNamed(definition, 'Problem').discriminator?.mapping ?? {};
	for (const [type, ref] of Object.entries(mapping)) {
		const suffix = type === 'about:blank' ? type : type.slice(type.lastIndexOf('/problems/') + '/problems/'.length);
		byTypeSuffix[suffix] = compile(schemaNamed(definition, ref.split('/').pop() ?? ''));
	}
	return { byTypeSuffix, problem: compile(schemaNamed(definition, 'Problem')), error: compile(schemaNamed(definition, 'Error')) };
}

const apiPromises = new Map<string, Promise<Api>>();

async function buildApi(specPath: string): Promise<Api> {
	const backend = new OpenAPIBackend<OpenAPIV3.Document>({ definition: readSpec(specPath), quick: true, customizeAjv, ajvOpts: { allErrors: true } });
	await backend.init();
	return { backend, problemValidators: compileProblemValidators(backend) };
}

/** The DM document (default) or another vendored document, loaded once. */
export function loadApi(specPath: string = SPEC_PATH): Promise<Api> {
	let promise = apiPromises.get(specPath);
	if (!promise) {
		promise = buildApi(specPath);
		apiPromises.set(specPath, promise);
	}
	return promise;
}

/** The Activity/Webhooks document; problem types it lacks are checked against the DM document's definitions. */
export async function loadActivityApi(): Promise<Api> {
	const [dm, activity] = await Promise.all([loadApi(SPEC_PATH), loadApi(ACTIVITY_SPEC_PATH)]);
	activity.fallbackProblemValidators ??= dm.problemValidators;
	return activity;
}

/** Paths served under the Activity/Webhooks document. */
export function isActivityPath(requestPath: string): boolean {
	return /^\/2\/(webhooks|activity|account_activity)(\/|$)/.test(requestPath);
}
