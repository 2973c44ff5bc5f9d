'use strict';

// Turns Ajv errors into the `errors[]` entries of X's invalid-request problem. Parameter messages follow the
// captured wording (x-dm-api.md §3.2; X calls path parameters "query parameters" too); body messages follow the
// JSON-pointer style X uses for request bodies ("$.text: ...").

function rawParameterValue(ctx, location, name) {
	if (location === 'path') return ctx.params?.[name] ?? '';
	return ctx.query[name] ?? '';
}

function parameterMessage(error, name, value, schema = {}) {
	const quoted = `The \`${name}\` query parameter`;
	switch (error.keyword) {
		case 'enum':
			return `${quoted} value [${value}] is not one of [${error.params.allowedValues.join(',')}]`;
		case 'minimum':
		case 'maximum':
			return `${quoted} value [${value}] is not between ${schema.minimum} and ${schema.maximum}`;
		case 'pattern':
			return `${quoted} value [${value}] does not match ${error.params.pattern}`;
		case 'minItems':
		case 'maxItems':
			return `${quoted} value [${value}] must contain between ${schema.minItems ?? 1} and ${schema.maxItems ?? 'any number of'} items`;
		case 'uniqueItems':
			return `${quoted} value [${value}] contains duplicate items`;
		default:
			return `${quoted} value [${value}] is not valid`;
	}
}

function jsonPath(instancePath) {
	const segments = instancePath.replace(/^\/requestBody/, '').split('/').filter(Boolean);
	return segments.reduce((acc, segment) => (/^[0-9]+$/.test(segment) ? `${acc}[${segment}]` : `${acc}.${segment}`), '$');
}

function jsonType(value) {
	if (Array.isArray(value)) return 'array';
	if (value === null) return 'null';
	return Number.isInteger(value) ? 'integer' : typeof value;
}

function bodyMessage(error, body) {
	const at = jsonPath(error.instancePath);
	switch (error.keyword) {
		case 'required':
			return error.instancePath === '' ? '$: a request body is required' : `${at === '$' ? '$' : at}.${error.params.missingProperty}: is missing but it is required`;
		case 'additionalProperties':
			return `${at}.${error.params.additionalProperty}: is not defined in the schema and the schema does not allow additional properties`;
		case 'type': {
			const actual = error.instancePath.replace(/^\/requestBody/, '').split('/').filter(Boolean)
				.reduce((value, key) => (value == null ? value : value[key]), body);
			return `${at}: ${jsonType(actual)} found, ${error.params.type} expected`;
		}
		case 'enum':
			return `${at}: does not have a value in the enumeration [${error.params.allowedValues.join(', ')}]`;
		case 'minItems':
			return `${at}: there must be a minimum of ${error.params.limit} items in the array`;
		case 'maxItems':
			return `${at}: there must be a maximum of ${error.params.limit} items in the array`;
		case 'minLength':
			return `${at}: must be at least ${error.params.limit} characters long`;
		case 'maxLength':
			return `${at}: may only be ${error.params.limit} characters long`;
		case 'pattern':
			return `${at}: does not match the regex pattern ${error.params.pattern}`;
		default:
			return `${at}: ${error.message}`;
	}
}

function allowedQueryNames(operation, renamed) {
	const restore = Object.fromEntries(Object.entries(renamed).map(([from, to]) => [from, to]));
	return (operation.parameters || []).filter((param) => param.in === 'query').map((param) => restore[param.name] || param.name);
}

function translateAjvErrors(errors, { operation, ctx, renamed = {} }) {
	const entries = [];
	const seen = new Set();
	const add = (entry) => {
		const key = JSON.stringify(entry);
		if (!seen.has(key)) {
			seen.add(key);
			entries.push(entry);
		}
	};
	// anyOf reports each failed branch; the branch errors already say what is missing.
	const relevant = errors.filter((error) => error.keyword !== 'anyOf' && error.keyword !== 'if');
	for (const error of relevant) {
		const [, location, specName, index] = error.instancePath.split('/');
		if (location === 'requestBody' || (location === undefined && error.params?.missingProperty === 'requestBody')) {
			add({ parameters: {}, message: bodyMessage(error, ctx.json) });
			continue;
		}
		if (error.keyword === 'additionalProperties' && specName === undefined) {
			const name = error.params.additionalProperty;
			add({
				parameters: { [name]: [String(ctx.query[name] ?? '')] },
				message: `The query parameter [${name}] is not one of [${allowedQueryNames(operation, renamed).join(',')}]`,
			});
			continue;
		}
		if (error.keyword === 'required' && specName === undefined) {
			const name = renamed[error.params.missingProperty] || error.params.missingProperty;
			add({ parameters: { [name]: [] }, message: `The \`${name}\` query parameter can not be empty` });
			continue;
		}
		const name = renamed[specName] || specName;
		const raw = String(rawParameterValue(ctx, location, name));
		const value = index === undefined ? raw : (raw.split(',')[Number(index)] ?? raw);
		const schema = (operation.parameters || []).find((param) => param.name === specName)?.schema;
		add({ parameters: { [name]: [raw] }, message: parameterMessage(error, name, value, schema) });
	}
	return entries.length ? entries : [{ parameters: {}, message: 'One or more parameters to your request was invalid.' }];
}

module.exports = { translateAjvErrors };
