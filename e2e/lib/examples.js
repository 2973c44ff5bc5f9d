'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { EXAMPLES_DIR } = require('./paths');

/** The example workflows in examples/*.json, sorted by file name: [{ file, workflow }]. */
function loadExamples() {
	return fs.readdirSync(EXAMPLES_DIR)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => ({ file: name, workflow: JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, name), 'utf8')) }));
}

function exampleByFile(file) {
	const example = loadExamples().find((entry) => entry.file === file);
	if (!example) throw new Error(`examples/${file} not found`);
	return example.workflow;
}

/** Examples meant to run active (a trigger start node); `n8n import:workflow` always imports them inactive. */
function activeExamples(examples = loadExamples()) {
	return examples.filter(({ workflow }) => workflow.active === true);
}

module.exports = { loadExamples, exampleByFile, activeExamples };
