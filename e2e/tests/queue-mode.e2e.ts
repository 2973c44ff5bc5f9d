// n8n in queue mode (Redis + PostgreSQL from Debian's packages, one main, two workers, one webhook processor) with
// the package installed as a community package in each process: the polling trigger polls on the main and its
// executions run on the workers; the Instant Trigger's webhook (registered by the main) is served by the webhook
// processor (CRC and signed deliveries); sends from many executions at once on both workers, under a tight rate
// limit; "Reuse Existing Group" racing on two workers; a binary attachment stored by the webhook processor and sent
// by a worker. Prints counts (expected, emitted, duplicated, lost) and DMs per minute against a single process.
import assert from 'node:assert/strict';
import path from 'node:path';
import { storedNodeOutput, type OutputItem } from '../lib/n8n';
import { waitFor, WaitAborted } from '../lib/proc';
import { e2eRun, log } from '../lib/run';
import { WORK_DIR } from '../lib/paths';
import {
	ensureQueueServices, queryPostgres, queueExecutions, startQueueCluster, startQueueServices, startSingleProcess, storedStaticData,
	type QueueCluster, type QueueExecution, type QueueServices,
} from '../lib/queue';
import type { DmEventRecord, RateLimitProfile } from '../lib/emulator';
import { INSTANT_REPLY, POLL_REPLY, queueWorkflows, WEBHOOK_PATHS, WORKFLOW_IDS } from '../queue/workflows';
import { shortenSendWindows } from '../queue/rate-window';

const SETUP_TIMEOUT_MS = 300 * 1000;
const TEST_TIMEOUT_MS = 180 * 1000;
// Generous limits for the throughput runs (the same for both), tight ones for the 429 test.
const WIDE_LIMITS: RateLimitProfile = { base: 'launch', dmPost: { user15: 100000, user24: 100000, app24: 100000, dayHeaders: true } };
// 25 sends per (shortened) window: more than the 20 executions the two workers run at once, so every send that waits
// gets through after its first wait, and the node's limit of three waits per request is never the point.
const TIGHT_PER_WINDOW = 25;
const TIGHT_LIMITS: RateLimitProfile = { base: 'launch', dmPost: { user15: TIGHT_PER_WINDOW, user24: 100000, app24: 100000, dayHeaders: true } };
const THROUGHPUT_CALLS = 100;
const ITEMS_PER_CALL = 3;

interface Counts {
	expected: number;
	emitted: number;
	duplicated: number;
	lost: number;
}

/** How often each expected key was emitted. */
function countOnce(expected: string[], emitted: string[]): Counts {
	const seen = new Map<string, number>();
	for (const key of emitted) seen.set(key, (seen.get(key) ?? 0) + 1);
	const wanted = new Set(expected);
	return {
		expected: wanted.size,
		emitted: emitted.filter((key) => wanted.has(key)).length,
		duplicated: [...seen].filter(([key, times]) => wanted.has(key) && times > 1).reduce((sum, [, times]) => sum + times - 1, 0),
		lost: [...wanted].filter((key) => !seen.has(key)).length,
	};
}

const printCounts = (what: string, counts: Counts): void =>
	log(`queue mode, ${what}: DMs expected ${counts.expected}, emitted ${counts.emitted}, duplicated ${counts.duplicated}, lost ${counts.lost}`);

async function post(url: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<number> {
	const response = await fetch(url, { method: 'POST', headers, body: body instanceof Uint8Array ? body : JSON.stringify(body) });
	await response.text();
	return response.status;
}

/** Output items of `node` across executions, with the execution they came from. */
function emittedBy(executions: QueueExecution[], node: string): Array<{ execution: string; item: OutputItem }> {
	return executions.flatMap((execution) => (storedNodeOutput(execution.data, node) ?? []).map((item) => ({ execution: execution.id, item })));
}

const finished = (executions: QueueExecution[]): boolean => executions.every((execution) => !['new', 'running', 'waiting'].includes(execution.status));

describe('queue mode', () => {
	let skipReason: string | undefined;
	let services: QueueServices | undefined;
	let cluster: QueueCluster | undefined;
	const root = path.join(WORK_DIR, `queue-${Date.now()}`);
	const inbound: DmEventRecord[] = [];
	const throughput: Record<string, number> = {};
	const ctx = (): QueueCluster => {
		if (!cluster) throw new Error('the queue-mode suite has no cluster (its setup failed)');
		return cluster;
	};
	const skipped = (): boolean => {
		if (skipReason) log(`queue mode: SKIPPED — ${skipReason}`);
		return skipReason !== undefined;
	};
	const webhook = (pathName: string, base = ctx().webhookUrl): string => `${base}webhook/${pathName}`;
	const aliceSent = (prefix: string): DmEventRecord[] =>
		ctx().emu.events().filter((event) => event.sender_id === ctx().demo.users.alice.id && event.text?.startsWith(prefix));

	/** `calls` webhook calls at once, each with ITEMS_PER_CALL DMs to bob; resolves when all DMs are stored. */
	async function sendBurst(tag: string, calls: number, url = webhook(WEBHOOK_PATHS.send)): Promise<{ texts: string[]; ms: number }> {
		const { demo } = ctx();
		const texts: string[] = [];
		const bodies = Array.from({ length: calls }, (_, call) => ({
			items: Array.from({ length: ITEMS_PER_CALL }, (__, item) => {
				const text = `${tag} ${call}.${item}`;
				texts.push(text);
				return { to: demo.users.bob.id, text };
			}),
		}));
		const before = new Set((await queueExecutions(ctx().services, WORKFLOW_IDS.send)).map((execution) => execution.id));
		const started = Date.now();
		const statuses = await Promise.all(bodies.map((body) => post(url, body)));
		assert.deepEqual([...new Set(statuses)], [200], 'every webhook call was accepted');
		await waitFor(`${texts.length} DMs "${tag}"`, async () => {
			const sent = new Set(aliceSent(`${tag} `).map((event) => event.text));
			if (texts.every((text) => sent.has(text))) return true;
			const failed = (await queueExecutions(ctx().services, WORKFLOW_IDS.send)).filter((execution) => !before.has(execution.id) && execution.status === 'error');
			if (failed.length) throw new WaitAborted(`${failed.length} send executions failed, e.g. ${failed[0].id}`);
			return false;
		}, { timeoutMs: 150000, intervalMs: 250 });
		return { texts, ms: Date.now() - started };
	}

	beforeAll(async () => {
		const started = Date.now();
		const installed = await ensureQueueServices();
		if (!installed.available) {
			skipReason = `Redis/PostgreSQL are not installed and apt-get cannot install them here: ${installed.reason}`;
			return;
		}
		log(`queue mode: ${installed.output} (${Date.now() - started} ms)`);
		services = await startQueueServices(path.join(root, 'services'));
		log(`queue mode: redis on 127.0.0.1:${services.redisPort}, postgresql on 127.0.0.1:${services.pgPort} (${Date.now() - started} ms)`);
		const workflows = queueWorkflows();
		cluster = await startQueueCluster({
			root, services, tarball: e2eRun().tarball, workflows, publish: workflows.map((workflow) => workflow.id),
			emulatorOptions: { rateLimitProfile: WIDE_LIMITS },
		});
		log(`queue mode: main, ${cluster.workers.length} workers and a webhook processor up (${Date.now() - started} ms)`);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await cluster?.close();
		await services?.stop();
	});

	test('the main polled once at activation; the Instant Trigger\'s webhook points at the webhook processor and passed CRC there', async () => {
		if (skipped()) return;
		const { emu, services: db, webhookUrl, demo, webhook: webhookProcess } = ctx();
		await waitFor('the polling trigger\'s cursor', async () => {
			const state = (await storedStaticData(db, WORKFLOW_IDS.poll))['node:New Inbound DM'] as { cursor?: unknown } | undefined;
			return state?.cursor;
		}, { timeoutMs: 60000 });
		const registered = await waitFor('the webhook and its subscription', () => {
			const found = emu.webhooks().find((entry) => entry.url.startsWith(`${webhookUrl}webhook/`));
			return found && emu.subscriptions().some((sub) => sub.webhook_id === found.id && sub.event_type === 'dm.received') && found;
		}, { timeoutMs: 60000 });
		assert.equal(registered.valid, true);
		assert.equal(registered.lastCrcOk, true);
		await emu.recheckWebhooks();
		assert.equal(emu.webhooks().find((entry) => entry.id === registered.id)?.lastCrcOk, true, 'a CRC re-check is answered by the webhook processor');
		assert.ok(emu.subscriptions().some((sub) => sub.filter.user_id === demo.users.alice.id));
		assert.match(webhookProcess.log(), /Webhook listener waiting for requests/);
	}, TEST_TIMEOUT_MS);

	test('polling trigger, first batch: DMs sent now (the final test sends more and counts both)', async () => {
		if (skipped()) return;
		const { emu, demo } = ctx();
		const { alice, bob, carol, erin } = demo.users;
		for (const [index, sender] of [bob, carol, erin, bob, carol, erin].entries()) {
			inbound.push(emu.sendAs(sender.id, { to: alice.id, text: `queue batch 1 #${index}` }));
		}
		assert.equal(inbound.length, 6);
	}, TEST_TIMEOUT_MS);

	test('Instant Trigger: deliveries (some sent twice by X) reach the webhook processor, each DM emitted exactly once, run on the workers', async () => {
		if (skipped()) return;
		const { emu, demo } = ctx();
		const { alice, bob, carol } = demo.users;
		emu.setOption('duplicateRate', 0.3);
		const sent = Array.from({ length: 12 }, (_, index) => emu.sendAs((index % 2 ? bob : carol).id, { to: alice.id, text: `instant via queue #${index}` }));
		inbound.push(...sent);
		const expected = inbound.map((event) => event.id);
		const executions = await waitFor('the Instant Trigger\'s executions to cover every DM', async () => {
			const stored = await queueExecutions(ctx().services, WORKFLOW_IDS.instant);
			const ids = new Set(emittedBy(stored, 'DM Received').map(({ item }) => item.id));
			return finished(stored) && expected.every((id) => ids.has(id)) && stored;
		}, { timeoutMs: 90000, intervalMs: 500 });
		// Late copies of deliveries that were duplicated must find nothing new either.
		await new Promise((resolve) => setTimeout(resolve, 3000));
		emu.setOption('duplicateRate', 0);
		const all = await queueExecutions(ctx().services, WORKFLOW_IDS.instant);
		const emitted = emittedBy(all, 'DM Received');
		const counts = countOnce(expected, emitted.map(({ item }) => item.id));
		printCounts('Instant Trigger (webhook processor → workers)', counts);
		const webhookRecord = emu.webhooks().find((entry) => entry.url.startsWith(ctx().webhookUrl));
		const deliveries = emu.deliveries({ webhookId: webhookRecord?.id }).filter((delivery) => expected.includes(delivery.dmEventId ?? ''));
		const posts = deliveries.reduce((sum, delivery) => sum + delivery.attempts, 0);
		log(`queue mode, Instant Trigger: ${deliveries.length} deliveries, ${posts} signed POSTs, ${all.length} executions`);
		assert.deepEqual(counts, { expected: expected.length, emitted: expected.length, duplicated: 0, lost: 0 });
		assert.ok(executions.length >= 1);
		const owners = ctx().executionsByWorker();
		assert.ok(all.every((execution) => owners.has(execution.id)), 'every instant execution ran on a worker');
		assert.ok(all.every((execution) => execution.status === 'success'));
		assert.equal(aliceSent(INSTANT_REPLY).length, emitted.length, 'one instant reply per emitted DM');
	}, TEST_TIMEOUT_MS);

	test('sends from 30 executions at once on two workers under a tight rate limit: every item sent once, 429s waited out', async () => {
		if (skipped()) return;
		const { emu } = ctx();
		emu.setRateLimitProfile(TIGHT_LIMITS);
		const window = shortenSendWindows(emu, 2000);
		const before = new Set(await queueExecutions(ctx().services, WORKFLOW_IDS.send).then((list) => list.map((execution) => execution.id)));
		let result: { texts: string[]; ms: number };
		try {
			result = await sendBurst('tight', 30);
		} finally {
			window.restore();
			emu.setRateLimitProfile(WIDE_LIMITS);
			log(`queue mode, tight limit: rate-limit windows ${JSON.stringify(window.stats)}`);
		}
		const sentTexts = aliceSent('tight ').map((event) => event.text ?? '');
		const counts = countOnce(result.texts, sentTexts);
		printCounts(`sends under a ${TIGHT_PER_WINDOW}-per-window limit`, counts);
		const executions = await waitFor('the send executions to finish', async () => {
			const stored = (await queueExecutions(ctx().services, WORKFLOW_IDS.send)).filter((execution) => !before.has(execution.id));
			return stored.length === 30 && finished(stored) && stored;
		}, { timeoutMs: 30000 });
		const owners = ctx().executionsByWorker();
		const perWorker = new Map<string, number>();
		for (const execution of executions) perWorker.set(owners.get(execution.id) ?? 'main?', (perWorker.get(owners.get(execution.id) ?? 'main?') ?? 0) + 1);
		const rate = Math.round((result.texts.length / result.ms) * 60000);
		throughput.tight = rate;
		log(`queue mode, tight limit: ${result.texts.length} DMs in ${(result.ms / 1000).toFixed(1)} s (${rate}/min), ${window.stats.tooMany} × 429, ${window.stats.windows} windows; executions per worker: ${JSON.stringify(Object.fromEntries(perWorker))}`);
		assert.deepEqual(counts, { expected: 90, emitted: 90, duplicated: 0, lost: 0 });
		assert.ok(window.stats.tooMany > 0, 'the emulator answered 429s');
		assert.equal(window.stats.farResets, 0);
		assert.ok(executions.every((execution) => execution.status === 'success'));
		assert.deepEqual([...perWorker.keys()].sort(), ['worker1', 'worker2'], 'both workers ran sends, the main none');
	}, TEST_TIMEOUT_MS);

	test('throughput through two workers (wide limits)', async () => {
		if (skipped()) return;
		const { texts, ms } = await sendBurst('wide-queue', THROUGHPUT_CALLS);
		const counts = countOnce(texts, aliceSent('wide-queue ').map((event) => event.text ?? ''));
		throughput.queue = Math.round((texts.length / ms) * 60000);
		log(`queue mode, two workers: ${texts.length} DMs in ${(ms / 1000).toFixed(1)} s = ${throughput.queue} DMs/min`);
		assert.deepEqual(counts, { expected: texts.length, emitted: texts.length, duplicated: 0, lost: 0 });
	}, TEST_TIMEOUT_MS);

	test('"Reuse Existing Group" racing on two workers: at most one group per racing execution, later runs reuse one', async () => {
		if (skipped()) return;
		const { emu, demo } = ctx();
		const participants = `${demo.users.bob.id}, ${demo.users.carol.id}`;
		const groupsBefore = new Set(emu.listConversations().filter((conversation) => conversation.type === 'group').map((conversation) => conversation.id));
		const racing = 8;
		const statuses = await Promise.all(Array.from({ length: racing }, (_, index) =>
			post(webhook(WEBHOOK_PATHS.group), { participants, text: `group race ${index}` })));
		assert.deepEqual([...new Set(statuses)], [200]);
		await waitFor('the racing group messages', () => aliceSent('group race ').length === racing, { timeoutMs: 60000 });
		await waitFor('the group executions to finish', async () => {
			const stored = await queueExecutions(ctx().services, WORKFLOW_IDS.group);
			return stored.length === racing && finished(stored);
		}, { timeoutMs: 30000 });
		const newGroups = () => emu.listConversations().filter((conversation) => conversation.type === 'group' && !groupsBefore.has(conversation.id));
		const created = newGroups().length;
		assert.equal(await post(webhook(WEBHOOK_PATHS.group), { participants, text: 'group after the race' }), 200);
		const after = await waitFor('the message after the race', () => aliceSent('group after the race')[0]);
		log(`queue mode, Reuse Existing Group: ${racing} executions at once created ${created} group(s); the next execution reused one: ${newGroups().length === created}`);
		assert.ok(created >= 1 && created <= racing, `groups created: ${created}`);
		assert.equal(newGroups().length, created, 'the execution after the race created no group');
		assert.ok(newGroups().some((conversation) => conversation.id === after.dm_conversation_id), 'it sent into one of the racing groups');
		const texts = aliceSent('group race ').map((event) => event.text ?? '');
		assert.deepEqual(countOnce(Array.from({ length: racing }, (_, index) => `group race ${index}`), texts), { expected: racing, emitted: racing, duplicated: 0, lost: 0 });
	}, TEST_TIMEOUT_MS);

	test('a binary attachment: stored by the webhook processor (database mode), uploaded and sent by a worker', async () => {
		if (skipped()) return;
		const { emu, demo } = ctx();
		const bytes = new Uint8Array(48 * 1024).map((_, index) => (index * 31 + 7) % 251);
		const url = `${webhook(WEBHOOK_PATHS.media)}?to=${demo.users.bob.id}&text=${encodeURIComponent('media via queue')}`;
		assert.equal(await post(url, bytes, { 'content-type': 'image/png' }), 200);
		const event = await waitFor('the DM with the attachment', () => aliceSent('media via queue')[0]);
		const mediaKey = event.attachments?.media_keys[0];
		assert.ok(mediaKey, 'the DM has an attachment');
		const media = emu.getMedia(mediaKey.split('_')[1]);
		assert.equal(media?.size, bytes.length);
		assert.equal(media?.mimeType, 'image/png');
		const [execution] = await waitFor('the media execution', async () => {
			const stored = await queueExecutions(ctx().services, WORKFLOW_IDS.media);
			return stored.length === 1 && finished(stored) && stored;
		}, { timeoutMs: 30000 });
		assert.equal(execution.status, 'success');
		assert.ok(ctx().executionsByWorker().has(execution.id), 'a worker ran it');
		const [row] = await queryPostgres(ctx().services, 'SELECT count(*)::int AS n FROM binary_data');
		log(`queue mode, binary: ${bytes.length} bytes through the webhook processor and a worker; binary_data rows in PostgreSQL: ${String(row?.n)}`);
		assert.ok(Number(row?.n) >= 1, 'the binary data is kept in the database');
	}, TEST_TIMEOUT_MS);

	test('polling trigger: every DM of three batches over two polls emitted exactly once, by executions on the workers', async () => {
		if (skipped()) return;
		const { emu, demo } = ctx();
		const { alice, bob, carol, erin } = demo.users;
		const emittedIds = async (): Promise<{ executions: QueueExecution[]; ids: Set<string> }> => {
			const executions = await queueExecutions(ctx().services, WORKFLOW_IDS.poll);
			return { executions, ids: new Set(emittedBy(executions, 'New Inbound DM').map(({ item }) => item.id)) };
		};
		// Batch 2 now, batch 3 once a poll has picked up everything before it: the cursor the main saved after one
		// poll must be where the next one starts, while the executions run elsewhere.
		for (const batch of [2, 3]) {
			inbound.push(...[bob, carol, erin].map((sender, index) => emu.sendAs(sender.id, { to: alice.id, text: `queue batch ${batch} #${index}` })));
			const expected = inbound.map((event) => event.id);
			await waitFor(`the polling trigger to emit batch ${batch}`, async () => {
				const { executions, ids } = await emittedIds();
				return finished(executions) && expected.every((id) => ids.has(id));
			}, { timeoutMs: 150000, intervalMs: 1000 });
		}
		const expected = inbound.map((event) => event.id);
		const executions = await queueExecutions(ctx().services, WORKFLOW_IDS.poll);
		const emitted = emittedBy(executions, 'New Inbound DM');
		const counts = countOnce(expected, emitted.map(({ item }) => item.id));
		printCounts(`polling trigger (polls on the main, ${executions.length} executions on workers)`, counts);
		assert.deepEqual(counts, { expected: expected.length, emitted: expected.length, duplicated: 0, lost: 0 });
		assert.equal(emitted.length, expected.length, 'nothing else was emitted (alice\'s own replies and sends are ignored)');
		assert.ok(executions.length >= 2, 'at least two polls emitted');
		const owners = ctx().executionsByWorker();
		assert.ok(executions.every((execution) => owners.has(execution.id) && execution.mode === 'trigger' && execution.status === 'success'));
		assert.equal(aliceSent(POLL_REPLY).length, expected.length, 'one poll reply per DM');
	}, TEST_TIMEOUT_MS + 60000);

	test('the same load through one n8n process (regular mode, same database and emulator limits)', async () => {
		if (skipped()) return;
		const { services: db, encryptionKey } = ctx();
		await ctx().stopN8n();
		const single = await startSingleProcess({ root, services: db, tarball: e2eRun().tarball, encryptionKey });
		try {
			const url = webhook(WEBHOOK_PATHS.send, single.webhookUrl);
			// An empty call starts an execution that sends nothing; 404 until the workflow is active.
			await waitFor('the send webhook on the single process', async () => (await post(url, { items: [] })) === 200, { timeoutMs: 60000, intervalMs: 500 });
			const { texts, ms } = await sendBurst('wide-single', THROUGHPUT_CALLS, url);
			const counts = countOnce(texts, aliceSent('wide-single ').map((event) => event.text ?? ''));
			throughput.single = Math.round((texts.length / ms) * 60000);
			log(`queue mode, throughput: ${throughput.queue} DMs/min through two workers vs ${throughput.single} DMs/min in one process (same limits; ${throughput.tight} DMs/min under a ${TIGHT_PER_WINDOW}-per-window limit)`);
			assert.deepEqual(counts, { expected: texts.length, emitted: texts.length, duplicated: 0, lost: 0 });
		} finally {
			await single.process.stop();
		}
	}, TEST_TIMEOUT_MS);
});
