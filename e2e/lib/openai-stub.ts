// A loopback stand-in for an OpenAI-compatible chat model: n8n's OpenAI Chat Model node talks to it through its
// credential's Base URL. It answers POST /chat/completions with scripted replies (tool calls or a final answer),
// streamed or not as asked, records every request it receives (messages, tools with their JSON schemas), and lists
// one model at GET /models for the editor's model picker. No model, no internet.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OpenAI chat message as the stub receives it (only the fields the tests read are typed). */
export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool' | string;
	content?: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

/** A tool the model is offered: its name, description and JSON schema of its arguments. */
export interface ChatTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ChatRequest {
	model?: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[key: string]: unknown;
}

export interface ToolCall {
	name: string;
	arguments: Record<string, unknown>;
}

/** One reply of the model: tool calls to make, or the final answer. */
export type Reply = { toolCalls: ToolCall[] } | { content: string };

/** A scripted turn: a fixed reply, or one computed from what the model was sent (e.g. an earlier tool result). */
export type Step = Reply | ((request: ChatRequest) => Reply);

export interface RecordedRequest {
	method: string;
	path: string;
	authorization: string | undefined;
	body: ChatRequest | undefined;
}

export interface OpenAiStub {
	/** The Base URL for n8n's OpenAI credential (ends in /v1). */
	url: string;
	/** Every request received, oldest first. */
	requests: RecordedRequest[];
	/** The chat completion requests received, oldest first. */
	chatRequests(): ChatRequest[];
	/** Replaces the script: each chat completion request takes the next step; none left is an HTTP 500. */
	script(steps: Step[]): void;
	/** Steps not yet used. */
	remainingSteps(): number;
	clear(): void;
	close(): Promise<void>;
}

export const STUB_MODEL = 'x-dm-stub-model';

/** The content of the tool messages of a request (what the agent's tools returned), in order. */
export function toolResults(request: ChatRequest): string[] {
	return request.messages.filter((message) => message.role === 'tool').map((message) => messageText(message));
}

/** A message's content as text (OpenAI allows a string or a list of text parts). */
export function messageText(message: ChatMessage): string {
	const { content } = message;
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
	return '';
}

let callCounter = 0;

function completionBase() {
	callCounter += 1;
	return { id: `chatcmpl-stub-${callCounter}`, created: Math.floor(Date.now() / 1000), model: STUB_MODEL };
}

function toolCallsOf(reply: Reply) {
	if (!('toolCalls' in reply)) return undefined;
	return reply.toolCalls.map((call, index) => ({
		id: `call_stub_${callCounter}_${index}`,
		type: 'function' as const,
		function: { name: call.name, arguments: JSON.stringify(call.arguments) },
	}));
}

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

function completion(reply: Reply): Record<string, unknown> {
	const base = completionBase();
	const toolCalls = toolCallsOf(reply);
	const message = toolCalls
		? { role: 'assistant', content: null, tool_calls: toolCalls }
		: { role: 'assistant', content: 'content' in reply ? reply.content : '' };
	return {
		...base,
		object: 'chat.completion',
		choices: [{ index: 0, message, logprobs: null, finish_reason: toolCalls ? 'tool_calls' : 'stop' }],
		usage: USAGE,
	};
}

/** The same reply as server-sent chunks: the role, the content or each tool call whole, then the finish reason. */
function completionChunks(reply: Reply): Array<Record<string, unknown>> {
	const base = { ...completionBase(), object: 'chat.completion.chunk' };
	const toolCalls = toolCallsOf(reply);
	const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
		...base,
		choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
	});
	const deltas = toolCalls
		? toolCalls.map((call, index) => chunk({ tool_calls: [{ index, ...call }] }))
		: [chunk({ content: 'content' in reply ? reply.content : '' })];
	return [chunk({ role: 'assistant', content: toolCalls ? null : '' }), ...deltas, { ...chunk({}, toolCalls ? 'tool_calls' : 'stop'), usage: USAGE }];
}

function readBody(request: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		let body = '';
		request.setEncoding('utf8');
		request.on('data', (chunk: string) => (body += chunk));
		request.on('end', () => resolve(body));
		request.on('error', reject);
	});
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, { 'content-type': 'application/json' });
	response.end(JSON.stringify(body));
}

/** Starts the stub on 127.0.0.1 (`port` 0: a free port). `respond` answers when no script is set (the demo). */
export async function startOpenAiStub({ port = 0, respond }: { port?: number; respond?: (request: ChatRequest) => Reply } = {}): Promise<OpenAiStub> {
	const requests: RecordedRequest[] = [];
	let steps: Step[] | undefined;

	const server = http.createServer((request, response) => {
		void (async () => {
			const path = (request.url ?? '/').split('?')[0].replace(/^\/v1/, '');
			const text = await readBody(request);
			let body: ChatRequest | undefined;
			try {
				body = text ? (JSON.parse(text) as ChatRequest) : undefined;
			} catch {
				body = undefined;
			}
			requests.push({ method: request.method ?? '', path, authorization: request.headers.authorization, body });

			if (request.method === 'GET' && path === '/models') {
				sendJson(response, 200, { object: 'list', data: [{ id: STUB_MODEL, object: 'model', created: 0, owned_by: 'x-dm-e2e' }] });
				return;
			}
			if (request.method !== 'POST' || path !== '/chat/completions' || !body || !Array.isArray(body.messages)) {
				sendJson(response, 404, { error: { message: `The stub answers POST /v1/chat/completions, not ${request.method} ${path}`, type: 'invalid_request_error' } });
				return;
			}
			const step = steps ? steps.shift() : respond;
			if (!step) {
				sendJson(response, 500, { error: { message: 'The stub has no scripted reply left', type: 'server_error' } });
				return;
			}
			const reply = typeof step === 'function' ? step(body) : step;
			if (body.stream) {
				response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				for (const chunk of completionChunks(reply)) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
				response.end('data: [DONE]\n\n');
			} else {
				sendJson(response, 200, completion(reply));
			}
		})().catch((error: Error) => sendJson(response, 500, { error: { message: error.message, type: 'server_error' } }));
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	const { port: boundPort } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${boundPort}/v1`,
		requests,
		chatRequests: () => requests.filter((entry) => entry.path === '/chat/completions' && entry.body).map((entry) => entry.body as ChatRequest),
		script(next) {
			steps = [...next];
		},
		remainingSteps: () => steps?.length ?? 0,
		clear() {
			requests.length = 0;
			steps = undefined;
		},
		close: () => new Promise<void>((resolve) => {
			server.closeAllConnections();
			server.close(() => resolve());
		}),
	};
}

/**
 * The demo's model for `npm start`: answers an inbound DM the way the example workflow expects, using whatever tools it
 * is offered. First it reads the conversation (a tool whose name starts with "Read"), then replies (a tool whose
 * name starts with "Reply" or "Send") quoting the last message, then gives its final answer.
 */
export function demoResponder(request: ChatRequest): Reply {
	const tools = (request.tools ?? []).map((tool) => tool.function.name);
	const calledTools = request.messages.flatMap((message) => message.tool_calls?.map((call) => call.function.name) ?? []);
	const readTool = tools.find((name) => /^read/i.test(name));
	const replyTool = tools.find((name) => /^(reply|send)/i.test(name));
	if (readTool && !calledTools.includes(readTool)) return { toolCalls: [{ name: readTool, arguments: { limit: 5 } }] };
	if (replyTool && !calledTools.includes(replyTool)) {
		const prompt = request.messages.filter((message) => message.role === 'user').map(messageText).pop() ?? '';
		const quoted = /"([^"]{1,80})/.exec(prompt)?.[1];
		const text = quoted ? `Thanks for your message ("${quoted}"). This is the demo agent in n8n: a human will follow up soon.` : 'Thanks for your message. This is the demo agent in n8n: a human will follow up soon.';
		return { toolCalls: [{ name: replyTool, arguments: { text } }] };
	}
	return { content: 'I read the conversation and sent a reply.' };
}
