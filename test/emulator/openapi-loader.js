'use strict';

// Builds the openapi-backend instance for the vendored spec, once per module registry (once per process under
// plain Node, once per test file under Jest).
const fs = require('fs');
const path = require('path');

const { OpenAPIBackend } = require('openapi-backend');
const addFormats = require('ajv-formats');

const SPEC_PATH = path.join(__dirname, 'x-api-v2-dm.openapi.json');

// Ajv prints a warning for every unknown format; register everything the spec uses ('integer' is X's own).
function customizeAjv(ajv) {
	addFormats(ajv);
	ajv.addFormat('integer', { type: 'number', validate: (value) => Number.isInteger(value) });
	return ajv;
}

// Validators for error bodies: one per problem type (the spec's discriminator mapping), plus the legacy Error.
function compileProblemValidators(api) {
	const { schemas } = api.definition.components;
	const ajv = api.validator.getAjv('responseValidator');
	const compile = (schema) => ajv.compile(api.validator.constructor.decycle(schema));
	const byTypeSuffix = {};
	for (const [type, ref] of Object.entries(schemas.Problem.discriminator.mapping)) {
		const suffix = type === 'about:blank' ? type : type.slice(type.lastIndexOf('/problems/') + '/problems/'.length);
		byTypeSuffix[suffix] = compile(schemas[ref.split('/').pop()]);
	}
	return { byTypeSuffix, problem: compile(schemas.Problem), error: compile(schemas.Error) };
}

let apiPromise;

function loadApi() {
	if (!apiPromise) {
		apiPromise = (async () => {
			const definition = JSON.parse(fs.readFileSync(SPEC_PATH, 'utf8'));
			const api = new OpenAPIBackend({ definition, quick: true, customizeAjv, ajvOpts: { allErrors: true } });
			await api.init();
			api.problemValidators = compileProblemValidators(api);
			return api;
		})();
	}
	return apiPromise;
}

module.exports = { loadApi, customizeAjv, SPEC_PATH };
