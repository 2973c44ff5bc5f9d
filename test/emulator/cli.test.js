'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');
const { request } = require('undici');
const { parseArgs } = require('./cli');

function startCli(args) {
	const child = spawn(process.execPath, [path.join(__dirname, 'cli.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
	const banner = new Promise((resolve, reject) => {
		let output = '';
		child.stdout.on('data', (chunk) => {
			output += chunk;
			if (output.includes('Ctrl+C to stop.')) resolve(output);
		});
		child.on('exit', (code) => reject(new Error(`cli exited with ${code}: ${output}`)));
	});
	return { child, banner };
}

describe('cli.js', () => {
	test('parses --port, --host and --profile', () => {
		expect(parseArgs(['--port', '0', '--profile=current'])).toEqual({ port: 0, host: '127.0.0.1', profile: 'current' });
		expect(() => parseArgs(['--profile', 'fast'])).toThrow('--profile');
		expect(() => parseArgs(['--verbose'])).toThrow('unknown argument');
	});

	test('starts with demo data and prints a working URL and tokens', async () => {
		const { child, banner } = startCli(['--port', '0', '--profile', 'current']);
		try {
			const output = await banner;
			const url = /listening on (http:\/\/[^\s]+)/.exec(output)[1];
			const token = /alice bearer: (\S+)/.exec(output)[1];
			expect(output).toContain('rate-limit profile: current');
			expect(output).toMatch(/alice token \/ secret: 944480690-\S+ \/ \S+/);
			const response = await request(`${url}/2/users/me`, { headers: { authorization: `Bearer ${token}` } });
			expect(response.statusCode).toBe(200);
			expect(await response.body.json()).toEqual({ data: { id: '944480690', name: 'Alice Example', username: 'alice_dm' } });
		} finally {
			const exited = new Promise((resolve) => child.once('exit', resolve));
			child.kill('SIGTERM');
			await exited;
		}
	});
});
