// The n8n side the stream tests stand on (test/fixtures/stream.ts), checked with a test-only trigger node: static data
// saved only by activation and emit (when changed), restarts from that snapshot, and manual mode replacing emit
// after trigger() returned.
import type { IDataObject, INode, INodeType, ITriggerFunctions } from 'n8n-workflow';

import { shutdown } from '../../fixtures/n8n';
import { runManualTrigger, TriggerWorkflow } from '../../fixtures/stream';

const TYPE = 'test.counterTrigger';

/** What the running counter trigger exposes to the test: fire() emits once, early() emits through an early-bound emit. */
let current: { fire: () => void; early: () => void; state: IDataObject } | undefined;

const counterTrigger: INodeType = {
	description: {
		displayName: 'Counter Trigger',
		name: 'counterTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Emits when the test says so',
		defaults: { name: 'Counter' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false }],
	},
	async trigger(this: ITriggerFunctions) {
		if (this.getNodeParameter('fail', false) === true) throw new Error('activation refused');
		const state = this.getWorkflowStaticData('node');
		state.starts = Number(state.starts ?? 0) + 1;
		const earlyEmit = this.emit;
		current = {
			state,
			fire: () => {
				state.fired = Number(state.fired ?? 0) + 1;
				this.emit([[{ json: { fired: state.fired, starts: state.starts } }]]);
			},
			early: () => earlyEmit([[{ json: { early: true } }]]),
		};
		return {
			closeFunction: async () => {
				state.closed = true;
			},
		};
	},
};

const node = (parameters: INode['parameters'] = {}): INode => ({ id: 'counter-node', name: 'Counter', type: TYPE, typeVersion: 1, position: [0, 0], parameters });
const options = (parameters?: INode['parameters']) => ({ id: 'wf-fixture', node: node(parameters), credentials: {}, extraNodeTypes: { [TYPE]: counterTrigger } });
const fire = () => current?.fire();

afterAll(() => shutdown());

test('activation saves what trigger() wrote; each emit saves the state of that moment; close saves nothing', async () => {
	const wf = new TriggerWorkflow(options());
	await wf.start();
	expect(wf.saves).toBe(1);
	expect(wf.nodeState).toEqual({ starts: 1 });
	fire();
	fire();
	expect(wf.saves).toBe(3);
	expect(wf.nodeState).toEqual({ starts: 1, fired: 2 });
	expect(wf.emitted()).toEqual([
		{ fired: 1, starts: 1 },
		{ fired: 2, starts: 1 },
	]);
	// Changed in memory without an emit: not in the database.
	if (current) current.state.unsaved = true;
	expect(wf.liveState).toMatchObject({ unsaved: true });
	await wf.close();
	expect(wf.nodeState).toEqual({ starts: 1, fired: 2 });
	expect(wf.active).toBe(false);
});

test('restart: a new Workflow from the saved snapshot; emits after close are marked', async () => {
	const wf = new TriggerWorkflow(options());
	await wf.start();
	fire();
	const stale = current;
	await wf.restart(() => {
		stale?.fire();
	});
	expect(wf.nodeState).toMatchObject({ starts: 2, fired: 2 });
	fire();
	expect(wf.executions.map((execution) => [execution.generation, execution.afterClose, execution.items[0].json.fired])).toEqual([
		[1, false, 1],
		[1, true, 2],
		[2, false, 3],
	]);
	await wf.close();
});

test('a trigger() that throws fails the activation: nothing saved, not active', async () => {
	const wf = new TriggerWorkflow(options({ fail: true }));
	await expect(wf.start()).rejects.toThrow('activation refused');
	expect(wf.active).toBe(false);
	expect(wf.saves).toBe(0);
	expect(wf.saved).toEqual({});
});

test('manual mode: emit is replaced after trigger() returned; an emit captured before that throws as in n8n', async () => {
	const run = await runManualTrigger(options());
	expect(() => current?.early()).toThrow('Overwrite TriggerContext.emit function');
	fire();
	expect((await run.firstEmit)[0].map((item) => item.json)).toEqual([{ fired: 1, starts: 1 }]);
	await run.close();
	expect(current?.state.closed).toBe(true);
});
