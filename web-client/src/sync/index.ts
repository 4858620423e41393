// The sync engine's public surface: framework-free, usable from any view layer or a test.
export * from './types';
export { apply_event, empty_state, normalize_state, report_of } from './reducer';
export type { ReduceContext } from './reducer';
export { SyncClient, backoff_delay, outbox_key, protocol_name } from './sync_client';
export type { SocketLike, StorageLike, SyncOptions, SyncEvent, QueuedCommand, RoomView } from './sync_client';
export { apply_earlier_page, apply_latest_page, room_limits } from './rooms';
export { thin_kinds_of, thin_pledge, thin_report, thin_target } from './skeleton';
export type { ThinKinds } from './skeleton';
export { thread_of } from './threads';
export * from './commands';
