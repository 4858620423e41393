// Wire and state types of a4p.v1 as the client sees them (../shared/PROTOCOL.md and
// protocol/README.md). Framework-free: nothing here imports Preact or touches the DOM.
// Fields the server may leave out (for example a redacted comment's body) are optional.

export type Id = string;

export interface Actor {
  user: string;
  org: string;
}

export interface Indicator {
  indicator: string;
  target: string;
}

export interface Attribution {
  /** Not in the thin skeleton (ADR 0512): the pledge room's page has it. */
  statement?: string;
  preexisting: boolean;
  confidence: 'low' | 'medium' | 'high';
}

export type PledgeStatus = 'planned' | 'on_track' | 'delayed' | 'done' | 'dropped';
export const pledge_statuses: readonly PledgeStatus[] = [
  'planned',
  'on_track',
  'delayed',
  'done',
  'dropped',
];

export interface Theme {
  id: Id;
  name: string;
  note?: string | null;
}

export interface Org {
  id: Id;
  name: string;
  kind: 'member_state' | 'organization' | 'secretariat' | string;
  region?: string | null;
  groups: string[];
  endorsed: boolean;
  version: number;
}

export interface User {
  id: Id;
  name: string;
  org: string;
  role: string;
  /** user.disabled / user.enabled; absent in states from before the field existed. */
  disabled?: boolean;
  /** The user's UI language preference (`user.set_preference`); absent or null: none. */
  lang?: string | null;
  version: number;
}

export interface Commitment {
  id: Id;
  theme: Id;
  number: number;
  title: string;
  responsibility: string;
  version: number;
}

export interface Report {
  seq: number;
  ts: string;
  by: string;
  round: Id | null;
  status: PledgeStatus;
  progress: number;
  /** `note`, `evidence`, `impact_note`: not in the thin skeleton's latest report (ADR 0512). */
  note?: string;
  evidence?: string[];
  impact_note?: string | null;
  /** Thin skeleton: whether the report has an impact note. */
  has_impact_note?: boolean;
  attribution: Attribution | null;
  /** Language tag of note and impact note (BCP 47); absent or null in older events: unknown. */
  lang?: string | null;
}

/** A target's thread as the light snapshot and ticks carry it (protocol/README.md, "Rooms and
 * the light snapshot"): comments that are not hidden, and the latest comment.posted. */
export interface Thread {
  count: number;
  last_seq: number;
  last_ts: string;
}

export interface Pledge {
  id: Id;
  org: string;
  theme: Id;
  title: string;
  /** Not in the thin skeleton (ADR 0512): the pledge room's first page brings it. */
  description?: string;
  output: Indicator;
  impact: Indicator | null;
  commitment: Id | null;
  actions: Id[];
  due: string | null;
  version: number;
  status: PledgeStatus;
  progress: number;
  reports: Report[];
  created_ts?: string;
  updated_ts?: string;
  /** Language tag of title and description; absent or null: unknown. */
  lang?: string | null;
  /** pledge.published / pledge.unpublished: shown on the public site (ADR 0208). */
  published?: boolean;
  /** Light snapshot only: how many reports the pledge has (`reports` then holds the latest,
   * or the pages loaded while its room is joined). */
  report_count?: number;
  /** Light snapshot (when the server gives it): the pledge's latest report in each round, for
   * the overview's round charts without every report (rooms-spec, B 22:47). */
  round_reports?: Record<Id, { status: PledgeStatus; progress: number; ts: string }>;
  /** Light snapshot only: its comment thread. */
  thread?: Thread;
}

export interface Gap {
  id: Id;
  theme: Id;
  title: string;
  /** Absent when the server's skeleton leaves it out (ADR 0512). */
  description?: string;
  version: number;
}

export interface Action {
  id: Id;
  theme: Id;
  title: string;
  kind: 'concrete' | 'broad' | string;
  gap: Id | null;
  due: string | null;
  taken_up_by: string[];
  version: number;
  /** Light snapshot only: its comment thread. */
  thread?: Thread;
}

export interface Discussion {
  id: Id;
  theme: Id;
  title: string;
  /** `agenda`, `outcome`: not in the thin skeleton (ADR 0512); the room's first page has them. */
  agenda?: string;
  visibility: 'open' | 'restricted' | string;
  invitees: string[];
  convener: string;
  state: 'open' | 'locked' | 'closed';
  outcome?: string | null;
  /** Thin skeleton: whether the discussion was closed with an outcome. */
  has_outcome?: boolean;
  created_ts?: string;
  version: number;
  /** Language tags of title and agenda, and of the outcome; absent or null: unknown. */
  lang?: string | null;
  outcome_lang?: string | null;
  /** Light snapshot only: its comment thread. */
  thread?: Thread;
}

export interface Comment {
  id: Id;
  target: string;
  author: string;
  org: string;
  body?: string;
  reply_to: Id | null;
  hidden: boolean;
  hidden_reason?: string | null;
  redacted?: boolean;
  edited: boolean;
  ts: string;
  version: number;
  /** Language tag of the body; absent or null: unknown. */
  lang?: string | null;
}

export interface Round {
  id: Id;
  name: string;
  closes: string;
  state: 'open' | 'closed';
  opened_ts?: string;
}

export interface Opinion {
  id: Id;
  org: string;
  target: string;
  position: 'support' | 'concerns' | 'object' | string;
  /** Absent when the server's skeleton leaves opinions' texts to the rooms (ADR 0512). */
  text?: string;
  by: string;
  ts: string;
  lang?: string | null;
}

export interface Champion {
  id: Id;
  org: string;
  theme: Id;
  offer: string | null;
}

export interface State {
  seq: number;
  themes: Record<Id, Theme>;
  commitments: Record<Id, Commitment>;
  orgs: Record<Id, Org>;
  users: Record<Id, User>;
  pledges: Record<Id, Pledge>;
  gaps: Record<Id, Gap>;
  actions: Record<Id, Action>;
  discussions: Record<Id, Discussion>;
  comments: Record<Id, Comment>;
  rounds: Record<Id, Round>;
  opinions: Record<Id, Opinion>;
  champions: Record<Id, Champion>;
}

export const state_maps = [
  'themes',
  'commitments',
  'orgs',
  'users',
  'pledges',
  'gaps',
  'actions',
  'discussions',
  'comments',
  'rounds',
  'opinions',
  'champions',
] as const;
export type StateMap = (typeof state_maps)[number];

export interface EventMsg {
  type: 'event';
  seq: number;
  prev: number;
  ts: string;
  actor: Actor;
  name: string;
  entity: string;
  data: Record<string, unknown>;
  data_hash?: string;
  hash?: string;
  redacted?: boolean;
}

export interface WelcomeUser {
  id: string;
  name: string;
  org: string;
  roles: string[];
}

export interface WelcomeMsg {
  type: 'welcome';
  user: WelcomeUser;
  epoch: string;
  head: number;
  mode: 'snapshot' | 'resume';
  /** Present on servers that know the light view: the view this session got. */
  view?: 'light' | 'full';
}

export interface SnapshotMsg {
  type: 'snapshot';
  seq: number;
  view?: 'light' | 'full';
  state: Partial<State>;
}

/** A comment event on a target this (light) session has not joined: only the thread. */
export interface TickMsg {
  type: 'tick';
  prev: number;
  seq: number;
  room: string;
  thread: Thread;
}

/** A room's page of comments (and, for pledge rooms, reports), oldest first: the latest after
 * a join, or an earlier one (`from` / `reports_from` echo the cursor asked). */
export interface PageMsg {
  type: 'page';
  room: string;
  seq: number;
  comments?: Comment[];
  before?: number | null;
  from?: number;
  reports?: Report[];
  reports_before?: number | null;
  reports_from?: number;
  thread?: Thread;
  /** First page only (thin skeleton, ADR 0512): the target as the whole state shows it to this
   * reader (a pledge's reports stay in `reports`), and its opinions. */
  entity?: Record<string, unknown>;
  opinions?: Opinion[];
}

export interface AckMsg {
  type: 'ack';
  id: string;
  seq: number;
  result?: Record<string, unknown>;
}

export interface RejectMsg {
  type: 'reject';
  id: string;
  code: string;
  message?: string;
  details?: Record<string, unknown>;
}

export interface PresenceMsg {
  type: 'presence';
  room: string;
  members: Actor[];
}

export type ServerMsg =
  | WelcomeMsg
  | SnapshotMsg
  | EventMsg
  | AckMsg
  | RejectMsg
  | PresenceMsg
  | TickMsg
  | PageMsg
  | { type: 'pong'; nonce?: string }
  | { type: 'error'; code: string; message?: string };

/** The outcome of one command: errors are values, never thrown. */
export type CommandOutcome =
  | { ok: true; id: string; seq: number; result: Record<string, unknown> }
  | {
      ok: false;
      id: string;
      code: string;
      message: string;
      details: Record<string, unknown>;
    };

export type ConnectionStatus = 'connecting' | 'live' | 'offline' | 'resyncing' | 'signed_out';
