import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { request } from 'undici';
import { parseArgs } from '../src/cli';

const CLI_PATH = path.join(__dirname, '..', 'src', 'cli.ts');

// The CLI as `npm run emulator` runs it: TypeScript through tsx.
function runCli(args: string[]): ChildProcessWithoutNullStreams {
	return spawn(process.execPath, ['--import', 'tsx', CLI_PATH, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
}

function startCli(args: string[]) {
	const child = runCli(args);
	const banner = new Promise<string>((resolve, reject) => {
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk;
			if (output.includes('Ctrl+C to stop.')) resolve(output);
		});
		child.on('exit', (code) => reject(new Error(`cli exited with ${code}: ${output}`)));
	});
	return { child, banner };
}

describe('cli.ts', () => {
	test('parses --port, --host and --profile', () => {
		expect(parseArgs(['--port', '0', '--profile=current'])).toEqual({ port: 0, host: '127.0.0.1', profile: 'current' });
		expect(() => parseArgs(['--profile', 'fast'])).toThrow('--profile');
		expect(() => parseArgs(['--verbose'])).toThrow('unknown argument');
	});

	test('--help prints the usage and exits', async () => {
		const child = runCli(['--help']);
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk));
		const code = await new Promise((resolve) => child.once('exit', resolve));
		expect(code).toBe(0);
		expect(output).toContain('usage: npm run emulator -- [--port N] [--host H] [--profile launch|current]');
	});

	test('starts with demo data and prints a working URL and tokens', async () => {
		const { child, banner } = startCli(['--port', '0', '--profile', 'current']);
		try {
			const output = await banner;
			const url = /listening on (http:\/\/[^\s]+)/.exec(output)?.[1];
			const token = /alice bearer: (\S+)/.exec(output)?.[1];
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
