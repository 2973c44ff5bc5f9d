'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { N8N_BIN } = require('./paths');
const { cleanEnv, run, waitFor } = require('./proc');

const OWNER = Object.freeze({
	email: 'owner@example.com',
	password: 'Xdm-demo-2026',
	firstName: 'Demo',
	lastName: 'Owner',
});

// n8n processes started by this process, so an interrupted run can stop them instead of leaving them behind.
const runningServers = new Set();

/** Stops every n8n this process started (for SIGINT/SIGTERM handlers). */
async function stopAllN8n() {
	await Promise.all([...runningServers].map((server) => server.stop()));
}

/** Environment for one n8n user folder: quiet, local only, SQLite, fixed ports. */
function n8nEnv({ userFolder, port, brokerPort, extra = {} }) {
	return cleanEnv({
		N8N_USER_FOLDER: userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: 'localhost',
		N8N_PORT: String(port),
		N8N_SECURE_COOKIE: 'false',
		// info, not warn: `n8n execute --rawOutput` prints the run through the logger.
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		DB_TYPE: 'sqlite',
		DB_SQLITE_POOL_SIZE: '1',
		N8N_HIRING_BANNER_ENABLED: 'false',
		...extra,
	});
}

/** One n8n CLI command (import:*, execute, publish:workflow ...); resolves { code, stdout, stderr, output }. */
function n8nCli(args, env) {
	return run(process.execPath, [N8N_BIN, ...args], { env });
}

async function n8nCliOrThrow(args, env) {
	const result = await n8nCli(args, env);
	if (result.code !== 0) throw new Error(`n8n ${args.join(' ')} failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
	return result;
}

/** The IRun JSON that `n8n execute --rawOutput` prints after its log lines (starts at a line that is exactly `{`). */
function parseExecuteOutput(stdout) {
	const start = stdout.search(/^\{$/m);
	if (start < 0) return undefined;
	try {
		return JSON.parse(stdout.slice(start));
	} catch {
		return undefined;
	}
}

/** Output items (json) of a node in an IRun, run 0, output 0. */
function nodeOutput(runData, nodeName, { runIndex = 0, outputIndex = 0 } = {}) {
	const nodeRuns = runData?.data?.resultData?.runData?.[nodeName];
	return nodeRuns?.[runIndex]?.data?.main?.[outputIndex]?.map((item) => item.json);
}

/**
 * `n8n start` in the background. Returns { url, probeUrl, child, logFile, stop() } once the REST API answers.
 * Output goes to `logFile` (or is drained) so a full pipe never blocks n8n.
 */
async function startN8n({ env, logFile, detached = false, timeoutMs = 120000 }) {
	const url = `http://localhost:${env.N8N_PORT}`;
	const probeUrl = `http://127.0.0.1:${env.N8N_PORT}`;
	const out = logFile ? fs.openSync(logFile, 'a') : 'pipe';
	// detached: own process group, so a Ctrl-C in the terminal reaches only the caller, which then stops n8n in order.
	const child = spawn(process.execPath, [N8N_BIN, 'start'], { env, detached, stdio: ['ignore', out, out] });
	let exited = false;
	let exitCode;
	const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => {
		exited = true;
		runningServers.delete(server);
		exitCode = code ?? signal;
		resolve();
	}));
	if (!logFile) {
		child.stdout.resume();
		child.stderr.resume();
	}
	if (typeof out === 'number') fs.closeSync(out);

	const stop = async () => {
		if (exited) return;
		child.kill('SIGTERM');
		// n8n stops in about 2 s; SIGKILL only if it hangs.
		const killTimer = setTimeout(() => child.kill('SIGKILL'), 30000);
		await exitPromise;
		clearTimeout(killTimer);
	};
	const server = { url, probeUrl, child, logFile, stop, exited: () => exited };
	runningServers.add(server);
	try {
		await waitFor('n8n /healthz', async () => {
			if (exited) throw Object.assign(new Error(`n8n exited early (${exitCode})${logFile ? `, see ${logFile}` : ''}`), { fatal: true });
			const response = await fetch(`${probeUrl}/healthz`);
			return response.ok;
		}, { timeoutMs, intervalMs: 300 });
		// /healthz answers while n8n still serves "n8n is starting up" for every route; wait for real JSON settings.
		await waitFor('n8n REST API', async () => {
			const response = await fetch(`${probeUrl}/rest/settings`);
			const text = await response.text();
			return response.ok && text.startsWith('{') && JSON.parse(text).data !== undefined;
		}, { timeoutMs, intervalMs: 300 });
	} catch (error) {
		await stop();
		throw error;
	}
	return server;
}

/** Minimal cookie-keeping REST client for n8n's /rest API. */
class RestClient {
	constructor(baseUrl) {
		this.baseUrl = baseUrl;
		this.cookie = '';
	}

	async request(method, route, body) {
		const response = await fetch(`${this.baseUrl}/rest${route}`, {
			method,
			headers: { 'content-type': 'application/json', ...(this.cookie ? { cookie: this.cookie } : {}), 'browser-id': 'x-dm-e2e' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.getSetCookie?.() ?? [];
		for (const entry of setCookie) {
			const pair = entry.split(';')[0];
			if (pair.startsWith('n8n-auth=')) this.cookie = pair;
		}
		const text = await response.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: response.status, json, text };
	}

	/** Creates the owner account on a fresh instance; returns false when an owner already exists. */
	async setupOwner(owner = OWNER) {
		const settings = await this.request('GET', '/settings');
		if (settings.json?.data?.userManagement?.showSetupOnFirstLoad === false) return false;
		const { status, text } = await this.request('POST', '/owner/setup', owner);
		if (status !== 200) throw new Error(`owner setup failed: ${status} ${text}`);
		return true;
	}

	async login(owner = OWNER) {
		const { status, text } = await this.request('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
		if (status !== 200) throw new Error(`login failed: ${status} ${text}`);
	}
}

/** Reads rows from n8n's SQLite database with the sqlite3 module n8n itself uses. */
function queryDatabase(userFolder, sql, params = []) {
	const sqlite3 = require(path.join(path.dirname(N8N_BIN), '..', '..', 'sqlite3'));
	return new Promise((resolve, reject) => {
		const db = new sqlite3.Database(path.join(userFolder, '.n8n', 'database.sqlite'), sqlite3.OPEN_READONLY, (openError) => {
			if (openError) return reject(openError);
			db.all(sql, params, (error, rows) => {
				db.close();
				if (error) reject(error);
				else resolve(rows);
			});
		});
	});
}

/** Executions of a workflow with their decoded run data (flatted, as n8n stores it). */
async function executionsOf(userFolder, workflowId) {
	const flatted = require(path.join(path.dirname(N8N_BIN), '..', '..', 'flatted'));
	const rows = await queryDatabase(userFolder,
		'SELECT e.id, e.mode, e.status, d.data FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ? ORDER BY e.id',
		[workflowId]);
	return rows.map((row) => ({ id: String(row.id), mode: row.mode, status: row.status, data: row.data ? flatted.parse(row.data) : undefined }));
}

/** Output items of `nodeName` in a stored execution's run data. */
function storedNodeOutput(executionData, nodeName) {
	return executionData?.resultData?.runData?.[nodeName]?.[0]?.data?.main?.[0]?.map((item) => item.json);
}

module.exports = {
	OWNER,
	n8nEnv,
	n8nCli,
	n8nCliOrThrow,
	parseExecuteOutput,
	nodeOutput,
	startN8n,
	stopAllN8n,
	RestClient,
	queryDatabase,
	executionsOf,
	storedNodeOutput,
};
