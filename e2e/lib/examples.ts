import fs from 'node:fs';
import path from 'node:path';
import { EXAMPLES_DIR } from './paths';

/** What the e2e code reads of an exported n8n workflow (examples/*.json). */
export interface WorkflowNode {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Workflow {
	id: string;
	name: string;
	active?: boolean;
	nodes: WorkflowNode[];
	[key: string]: unknown;
}

export interface Example {
	file: string;
	workflow: Workflow;
}

/** The example workflows in examples/*.json, sorted by file name: [{ file, workflow }]. */
export function loadExamples(): Example[] {
	return fs.readdirSync(EXAMPLES_DIR)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => ({ file: name, workflow: JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, name), 'utf8')) as Workflow }));
}

export function exampleByFile(file: string): Workflow {
	const example = loadExamples().find((entry) => entry.file === file);
	if (!example) throw new Error(`examples/${file} not found`);
	return example.workflow;
}

/** Examples meant to run active (a trigger start node); `n8n import:workflow` always imports them inactive. */
export function activeExamples(examples: Example[] = loadExamples()): Example[] {
	return examples.filter(({ workflow }) => workflow.active === true);
}
