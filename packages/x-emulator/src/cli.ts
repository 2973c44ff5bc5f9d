// `npm run emulator -- [--port N] [--host H] [--profile launch|current]`: the emulator with demo data, for
// trying the nodes by hand. Prints the URL, the demo users, ready-to-use credentials and the control API.
import { startEmulator, type Emulator } from './emulator';
import type { RateLimitProfileName } from './rate-limits';

export interface CliArgs {
	port: number;
	host: string;
	profile: RateLimitProfileName;
	help?: boolean;
}

const PROFILES: readonly string[] = ['launch', 'current'];
const USAGE = 'usage: npm run emulator -- [--port N] [--host H] [--profile launch|current]';

export function parseArgs(argv: readonly string[]): CliArgs {
	const args: CliArgs = { port: 8787, host: '127.0.0.1', profile: 'launch' };
	let profile: string = args.profile;
	for (let index = 0; index < argv.length; index += 1) {
		const [flag, inline] = argv[index].split('=');
		const value = inline ?? argv[index + 1];
		if (inline === undefined && ['--port', '--host', '--profile'].includes(flag)) index += 1;
		if (flag === '--port') args.port = Number(value);
		else if (flag === '--host') args.host = value;
		else if (flag === '--profile') profile = value;
		else if (flag === '--help' || flag === '-h') args.help = true;
		else throw new Error(`unknown argument ${argv[index]}`);
	}
	if (!Number.isInteger(args.port) || args.port < 0) throw new Error('--port needs a number');
	if (!PROFILES.includes(profile)) throw new Error('--profile must be launch or current');
	args.profile = profile as RateLimitProfileName;
	return args;
}

export function describe(emu: Emulator): string {
	const { demo } = emu;
	if (!demo) throw new Error('the emulator has no demo data');
	const lines = [
		`X API v2 DM emulator listening on ${emu.url}`,
		`  rate-limit profile: ${emu.options.rateLimitProfile}; OpenAPI spec: packages/x-emulator/x-api-v2-dm.openapi.json (2.166)`,
		'',
		'Demo users:',
	];
	for (const [key, user] of Object.entries(demo.users)) {
		lines.push(`  ${key.padEnd(6)} id=${user.id.padEnd(20)} @${user.username.padEnd(14)} dmPolicy=${user.dmPolicy}`);
	}
	lines.push(`  group conversation: ${demo.groupConversationId}`, '', 'OAuth 2.0 (base URL for the node credential: ' + emu.url + '):');
	lines.push(`  client id / secret: ${demo.oauth2Client.clientId} / ${demo.oauth2Client.clientSecret}`);
	lines.push(`  authorize: ${emu.url}/i/oauth2/authorize   token: ${emu.url}/2/oauth2/token`);
	lines.push(`  redirect URI: ${demo.oauth2Client.redirectUris[0]}`);
	for (const [key, tokens] of Object.entries(demo.tokens)) lines.push(`  ${key} bearer: ${tokens.oauth2.access_token}`);
	lines.push('', 'OAuth 1.0a (app permission read-write-dm):');
	lines.push(`  consumer key / secret: ${demo.oauth1App.consumerKey} / ${demo.oauth1App.consumerSecret}`);
	for (const [key, tokens] of Object.entries(demo.tokens)) {
		lines.push(`  ${key} token / secret: ${tokens.oauth1.oauth_token} / ${tokens.oauth1.oauth_token_secret}`);
	}
	const alice = demo.tokens.alice.oauth2.access_token;
	lines.push(
		'',
		'Try:',
		`  curl -H "Authorization: Bearer ${alice}" "${emu.url}/2/dm_events?dm_event.fields=sender_id,created_at&expansions=sender_id"`,
		'',
		`Control API (see packages/x-emulator/README.md): ${emu.url}/_emulator/`,
		`  curl -X POST -H "content-type: application/json" -d '{"userId":"${demo.users.bob.id}","to":"${demo.users.alice.id}","text":"hi"}' ${emu.url}/_emulator/sendAs`,
		`  curl ${emu.url}/_emulator/requests`,
		'',
		'Ctrl+C to stop.',
	);
	return lines.join('\n');
}

async function main(): Promise<void> {
	let args: CliArgs;
	try {
		args = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		process.exitCode = 2;
		return;
	}
	if (args.help) {
		console.log(USAGE);
		return;
	}
	const emu = await startEmulator({ port: args.port, host: args.host, rateLimitProfile: args.profile, seed: 'demo' });
	console.log(describe(emu));
	const stop = async () => {
		await emu.close();
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exitCode = 1;
	});
}
