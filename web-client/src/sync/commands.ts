// Every a4p.v1 command the client may send, as a map of command name -> args type
// (protocol/README.md, "Commands"). `SyncClient.command` and the views' `command()` take a
// name from this map and exactly its args, so a misspelt name, a missing required arg or a
// wrongly typed one fails to compile at the call site. Framework-free: types only, plus the
// list of names that a unit test compares with the protocol reference.

import type { Attribution, CommandOutcome, Gap, Id, Indicator, Pledge, PledgeStatus } from './types';

/** What a comment or an opinion is about. */
export type Target = `discussion:${string}` | `pledge:${string}` | `action:${string}`;
export type Responsibility = 'member_states' | 'secretary_general' | 'shared';
export type Region = 'AFR' | 'APG' | 'EEG' | 'GRULAC' | 'WEOG';

/** The args of a versioned edit: only the changed fields, on the version the editor started from. */
export type VersionedUpdate<C> = { id: Id; base_version: number; changes: C };

export type CommitmentChanges = Partial<{ theme: Id; number: number; title: string; responsibility: Responsibility }>;
export type PledgeChanges = Partial<
  Pick<Pledge, 'theme' | 'title' | 'description' | 'output' | 'impact' | 'commitment' | 'actions' | 'due'>
>;
export type GapChanges = Partial<Pick<Gap, 'theme' | 'title' | 'description'>>;
export type ActionChanges = Partial<{ title: string; kind: 'concrete' | 'broad'; gap: Id | null; due: string | null }>;

// Type aliases rather than interfaces: each args type is then assignable to the engine's
// untyped `Record<string, unknown>` outbox entry.
export type CommandArgs = {
  'org.add': {
    id: string;
    name: string;
    kind: 'member_state' | 'organization' | 'secretariat';
    region?: Region | null;
    groups?: string[];
    endorsed?: boolean;
  };
  'org.update': {
    id: string;
    changes: Partial<{ name: string; region: Region | null; groups: string[]; endorsed: boolean }>;
    base_version?: number;
  };
  'user.add': { id: string; name: string; org: string; role: 'secretariat' | 'member' | 'auditor' };
  'user.set_role': { id: string; role: 'secretariat' | 'member' | 'auditor' };
  'user.disable': { id: string };
  'user.enable': { id: string };
  /** The signed-in user's own preferences (a4p.v1 extension, protocol/README.md): `lang`, the UI language. */
  'user.set_preference': { lang: string };
  'commitment.add': { theme: Id; number: number; title: string; responsibility: Responsibility };
  'commitment.update': VersionedUpdate<CommitmentChanges>;
  'pledge.create': {
    theme: Id;
    title: string;
    description: string;
    output: Indicator;
    impact?: Indicator | null;
    commitment?: Id | null;
    actions?: Id[];
    due?: string | null;
    lang?: string;
  };
  'pledge.update': VersionedUpdate<PledgeChanges>;
  'pledge.report': {
    id: Id;
    status: PledgeStatus;
    progress: number;
    note: string;
    round?: Id | null;
    evidence?: string[];
    impact_note?: string | null;
    attribution?: Attribution | null;
    lang?: string;
  };
  'pledge.publish': { id: Id };
  'pledge.withdraw_publication': { id: Id };
  'public.configure': {
    category: 'themes' | 'commitments' | 'champions' | 'gaps' | 'actions' | 'rounds' | 'counts';
    public: boolean;
  };
  'round.open': { name: string; closes: string };
  'round.close': { id: Id };
  'gap.add': { theme: Id; title: string; description: string };
  'gap.update': VersionedUpdate<GapChanges>;
  'action.add': { theme: Id; title: string; kind: 'concrete' | 'broad'; gap?: Id | null; due?: string | null };
  'action.update': VersionedUpdate<ActionChanges>;
  'action.take_up': { id: Id };
  'discussion.convene': {
    theme: Id;
    title: string;
    agenda: string;
    visibility: 'open' | 'restricted';
    invitees?: string[];
    lang?: string;
  };
  'discussion.lock': { id: Id };
  'discussion.close': { id: Id; outcome: string; lang?: string };
  'comment.post': { target: Target; body: string; reply_to?: Id | null; lang?: string };
  'comment.edit': { id: Id; body: string; lang?: string };
  'comment.hide': { id: Id; reason: string };
  'comment.restore': { id: Id };
  'opinion.give': { target: Target; position: 'support' | 'concerns' | 'object'; text: string; lang?: string };
  'champion.assign': { org: string; theme: Id; offer?: string | null };
  'champion.withdraw': { org: string; theme: Id };
};

export type CommandName = keyof CommandArgs;

/** The versioned edits (`<noun>.update` with `base_version`), and their changes' types. */
export type UpdateName = 'commitment.update' | 'pledge.update' | 'gap.update' | 'action.update';
export type ChangesOf<N extends UpdateName> = CommandArgs[N]['changes'];

/** Sends one typed command; what `SyncClient.command` and the views' `command()` look like. */
export type RunCommand = <N extends CommandName>(name: N, args: CommandArgs[N]) => Promise<CommandOutcome>;

/** Every name of the map, once (the compiler checks both directions). */
export const command_names = [
  'org.add',
  'org.update',
  'user.add',
  'user.set_role',
  'user.disable',
  'user.enable',
  'user.set_preference',
  'commitment.add',
  'commitment.update',
  'pledge.create',
  'pledge.update',
  'pledge.report',
  'pledge.publish',
  'pledge.withdraw_publication',
  'public.configure',
  'round.open',
  'round.close',
  'gap.add',
  'gap.update',
  'action.add',
  'action.update',
  'action.take_up',
  'discussion.convene',
  'discussion.lock',
  'discussion.close',
  'comment.post',
  'comment.edit',
  'comment.hide',
  'comment.restore',
  'opinion.give',
  'champion.assign',
  'champion.withdraw',
] as const satisfies readonly CommandName[];
// A name in the map but not in the list makes this `false` and the assignment fail.
const all_listed: Exclude<CommandName, (typeof command_names)[number]> extends never ? true : false = true;
void all_listed;

export const is_target = (t: string): t is Target => /^(discussion|pledge|action):./.test(t);
