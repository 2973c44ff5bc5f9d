// The bench's worlds on the emulator. Each scenario starts from emu.reset() with only its own accounts, so that the
// server's per-request work (it scans the stored events) is not inflated by other scenarios' data.
import { credentialSetup, type CredentialSetup } from './harness';
import type { Emulator, EmulatorUser, RateLimitProfile } from './emulator';

export const LIST_SIZES = [1000, 10000] as const;
export type ListSize = (typeof LIST_SIZES)[number];
const TRIGGER_HISTORY = 150;
const TRIGGER_DEEP_HISTORY = 10000;
const TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;
// 'launch' numbers, with the DM POST and list buckets raised so that every repetition fits in one window.
export const RATE_LIMITS: RateLimitProfile = {
	base: 'launch',
	dmPost: { user15: 1e9, user24: 1e9, app24: 1e9, dayHeaders: true },
	dmList: { user15: 1e9 },
};

/** A user with an OAuth2 token, as the node's credential data (setup) and as a bare bearer token. */
export interface Account {
	user: EmulatorUser;
	setup: CredentialSetup;
	token: string;
}

function tokenOf(setup: CredentialSetup): string {
	const token = setup.tokenData.access_token;
	if (typeof token !== 'string') throw new Error(`no OAuth2 access token in the ${setup.type} credential`);
	return token;
}

function account(emu: Emulator, username: string): Account {
	const user = emu.addUser({ username, name: username });
	const setup = credentialSetup(emu, user, 'oAuth2', { expiresIn: TOKEN_LIFETIME_SECONDS });
	return { user, setup, token: tokenOf(setup) };
}

function freshWorld(emu: Emulator): EmulatorUser[] {
	emu.reset();
	emu.setRateLimitProfile(RATE_LIMITS);
	return ['ana', 'ben', 'cleo', 'dan'].map((username) => emu.addUser({ username, name: username }));
}

/**
 * A conversation mix like a real inbox: four partners, messages both ways, and every 20th message linking a post
 * (so that referenced_tweets and includes.tweets have work to do).
 */
function fillInbox(emu: Emulator, owner: EmulatorUser, partners: EmulatorUser[], count: number): void {
	for (let index = 0; index < count; index++) {
		const partner = partners[index % partners.length];
		const link = index % 20 === 0 ? ` see https://x.com/${partner.username}/status/${1700000000000000000n + BigInt(index)}` : '';
		const text = `message ${index} between ${owner.username} and ${partner.username}${link}`;
		if (index % 2 === 1) emu.sendAs(owner.id, { to: partner.id, text });
		else emu.sendAs(partner.id, { to: owner.id, text });
	}
}

/** One account per list size, each with exactly that many events. */
export function seedLists(emu: Emulator): Record<ListSize, Account> {
	const partners = freshWorld(emu);
	const lists = {} as Record<ListSize, Account>;
	for (const size of LIST_SIZES) {
		lists[size] = account(emu, `list${size}`);
		fillInbox(emu, lists[size].user, partners, size);
	}
	return lists;
}

export function seedSend(emu: Emulator): { sender: Account; recipient: EmulatorUser } {
	freshWorld(emu);
	return { sender: account(emu, 'sender'), recipient: emu.addUser({ username: 'recipient', name: 'Recipient' }) };
}

/** `recent`: a short history; `deep`: 10k events behind the cursor. */
export function seedTriggers(emu: Emulator): { partners: EmulatorUser[]; recent: Account; deep: Account } {
	const partners = freshWorld(emu);
	const recent = account(emu, 'watcher');
	fillInbox(emu, recent.user, partners, TRIGGER_HISTORY);
	const deep = account(emu, 'watcher10k');
	fillInbox(emu, deep.user, partners, TRIGGER_DEEP_HISTORY);
	return { partners, recent, deep };
}

/** `count` new inbound messages for a trigger account (the partners take turns). */
export function deliver(emu: Emulator, owner: EmulatorUser, partners: EmulatorUser[], count: number, round: number): void {
	for (let index = 0; index < count; index++) {
		const partner = partners[index % partners.length];
		emu.sendAs(partner.id, { to: owner.id, text: `round ${round} message ${index}` });
	}
}
